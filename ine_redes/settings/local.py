"""A developer's laptop: DEBUG on, embedded defaults, a fixed development secret."""

from .base import *  # noqa: F401,F403
from .base import env, raw_secret

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = raw_secret("SECRET_KEY", default="django-insecure-development-only-never-in-production")
# runserver serves static files from the app folders; no collectstatic on a laptop.
WHITENOISE_AUTOREFRESH = DEBUG
