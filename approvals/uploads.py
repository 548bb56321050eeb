"""Checks on uploaded documents: by content, size and name, before anything is written.

The stored name is always generated (``models.oficio_upload_to``); the client's name is
only checked so that a crafted one is refused with a clear message instead of silently
accepted.
"""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Graphic identity material: artwork and manuals, by detected content type.
IDENTITY_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/zip": ".zip",
}
IDENTITY_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg", ".zip")


RESERVED_CHARACTERS = set('/\\<>:"|?*')


def _check_name(upload: File, extensions: tuple[str, ...]) -> None:
    """Refuse a crafted name with a clear message. Over HTTP Django already drops any
    directories; a script passing a ``File`` keeps them, so they are checked here too."""
    name = upload.name or ""
    if (
        not name
        or name.startswith(".")
        or any(ch in RESERVED_CHARACTERS or not ch.isprintable() for ch in name)
        or len(name) > 200
    ):
        raise ValidationError(
            _("El nombre del archivo «%(name)s» no es válido: use un nombre sin rutas ni caracteres especiales."),
            code="bad_name",
            params={"name": name[:80]},
        )
    if not name.lower().endswith(extensions):
        raise ValidationError(
            _("El archivo «%(name)s» debe tener la extensión %(extensions)s."),
            code="bad_extension",
            params={"name": name[:80], "extensions": ", ".join(extensions)},
        )


def _check_size(upload: File, limit: int) -> None:
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("El archivo pesa %(size)s; el máximo permitido es %(limit)s."),
            code="too_big",
            params={"size": filesizeformat(upload.size or 0), "limit": filesizeformat(limit)},
        )
    if upload.size == 0:
        raise ValidationError(_("El archivo está vacío."), code="empty")


def _head(upload: File, length: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def validate_oficio(upload: File) -> None:
    """A signed oficio: really a PDF (by its content, not its name), within the size limit."""
    _check_name(upload, (".pdf",))
    _check_size(upload, settings.OFICIO_MAX_UPLOAD_BYTES)
    head = _head(upload)
    if not head.startswith(b"%PDF-") or filetype.guess_mime(head) != "application/pdf":
        raise ValidationError(
            _("El oficio debe ser un documento PDF; el archivo «%(name)s» no lo es."),
            code="not_pdf",
            params={"name": upload.name},
        )


def validate_identity_material(upload: File) -> str:
    """Graphic identity material (PDF, PNG, JPEG or ZIP); returns the extension to store it with."""
    _check_name(upload, IDENTITY_EXTENSIONS)
    _check_size(upload, settings.IDENTITY_MATERIAL_MAX_UPLOAD_BYTES)
    mime = filetype.guess_mime(_head(upload))
    if mime not in IDENTITY_TYPES:
        raise ValidationError(
            _("El material de identidad gráfica debe ser PDF, PNG, JPEG o ZIP; «%(name)s» no lo es."),
            code="bad_type",
            params={"name": upload.name},
        )
    return IDENTITY_TYPES[mime]
