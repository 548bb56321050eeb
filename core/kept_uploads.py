"""Files attached to a form that failed validation, kept for the next submission.

A browser never re-sends a file input, so when a form comes back with an error the file
the person attached is gone. Instead, a valid upload is copied to ``kept/`` under the
private media storage (never served by any URL) and the form carries a signed token that
names it, its original name and the person it belongs to. On the next submission the form
reads the file back from the token; once the form succeeds the copy is deleted, and a
copy nobody came back for is removed after ``KEPT_UPLOAD_MAX_AGE``
(the daily beat task ``core.tasks.clean_kept_uploads``, or ``manage.py clean_kept_uploads``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

KEPT_DIR = "kept"
KEPT_UPLOAD_MAX_AGE = timedelta(hours=24)
_SALT = "core.kept_uploads"


@dataclass(frozen=True)
class KeptUpload:
    key: str
    name: str
    size: int

    @property
    def path(self) -> str:
        return f"{KEPT_DIR}/{self.key}"

    def open(self) -> File:
        """The kept copy as a ``File`` under its original name, ready for validators and services."""
        return File(default_storage.open(self.path, "rb"), name=self.name)


def keep(upload: File) -> KeptUpload:
    """Copy a validated upload to the private kept area."""
    key = secrets.token_hex(16)
    upload.seek(0)
    saved = default_storage.save(f"{KEPT_DIR}/{key}", upload)
    upload.seek(0)
    # The storage may rename on a collision; a 128-bit random key makes one practically impossible.
    key = saved.rsplit("/", 1)[-1]
    return KeptUpload(key=key, name=upload.name or "archivo", size=upload.size or 0)


def token_for(kept: list[KeptUpload], *, owner_id: int) -> str:
    return signing.dumps({"u": owner_id, "f": [[k.key, k.name, k.size] for k in kept]}, salt=_SALT, compress=True)


def from_token(token: str, *, owner_id: int | None) -> list[KeptUpload] | None:
    """The uploads a token names, or None when it is forged, stale, someone else's or gone."""
    if not token or owner_id is None:
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=KEPT_UPLOAD_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("u") != owner_id:
        return None
    kept = [KeptUpload(key=str(key), name=str(name), size=int(size)) for key, name, size in data.get("f", [])]
    if not all(k.key.isalnum() and default_storage.exists(k.path) for k in kept):
        return None
    return kept


def discard(kept: list[KeptUpload]) -> None:
    for k in kept:
        default_storage.delete(k.path)


def sweep_stale(max_age: timedelta = KEPT_UPLOAD_MAX_AGE) -> int:
    """Delete kept copies older than ``max_age``; returns how many."""
    if not default_storage.exists(KEPT_DIR):
        return 0
    cutoff = timezone.now() - max_age
    removed = 0
    for name in default_storage.listdir(KEPT_DIR)[1]:
        path = f"{KEPT_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        except FileNotFoundError:  # another process got there first
            continue
    return removed
