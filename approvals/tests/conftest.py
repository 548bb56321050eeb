import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads go to a throw-away MEDIA_ROOT, never to var/private."""
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT
