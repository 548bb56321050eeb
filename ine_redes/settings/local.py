"""A developer's laptop: DEBUG on, embedded defaults, a fixed development secret."""

from .base import *  # noqa: F401,F403
from .base import env, raw_secret

# Links in e-mails lead to this machine's server, on the port `make run` serves (PORT).
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = raw_secret("SECRET_KEY", default="django-insecure-development-only-never-in-production")
# runserver serves static files from the app folders; no collectstatic on a laptop.
WHITENOISE_AUTOREFRESH = DEBUG
