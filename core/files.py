"""Serving private uploads (oficios, attachments): only after the caller's access check."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _


def private_file_response(file, *, filename: str, as_attachment: bool, content_type: str = "") -> FileResponse:
    """A file response that no proxy or browser cache keeps and no browser sniffs."""
    if not file:
        raise Http404(_("El documento no existe."))
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404(_("El documento ya no está disponible."))
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
