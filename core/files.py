"""Serving private uploads (oficios, attachments): only after the caller's access check.

What was uploaded is never trusted to be harmless: the response is sandboxed
(``Content-Security-Policy: sandbox``, so an HTML or SVG file opened from it runs no script
on the site's origin), never sniffed, never cached, and always a download
(``Content-Disposition: attachment``), so a PDF is opened by the person's own viewer, away
from the site, and its embedded JavaScript never runs in a page of ours. The type is read
from the content (``filetype``), and the download name takes that type's extension: a PNG
uploaded as ``x.html`` downloads as ``x.png``, as ``image/png``.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import filetype
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

# Enough of the start of a file for filetype to tell its type.
SNIFF_BYTES = 8192
UNKNOWN_TYPE = "application/octet-stream"


def detected_type(handle) -> tuple[str, str]:
    """(MIME type, extension without the dot) read from the content; ``UNKNOWN_TYPE`` and
    "" when the content is not a type filetype knows."""
    position = handle.tell()
    head = handle.read(SNIFF_BYTES)
    handle.seek(position)
    kind = filetype.guess(head)
    if kind is None:
        return UNKNOWN_TYPE, ""
    return kind.mime, kind.extension


def download_name(filename: str, extension: str) -> str:
    """``filename`` with the detected type's extension (``x.html`` → ``x.png``); kept as it is
    when it already has it (``foto.JPG``, ``foto.jpeg`` for a JPEG), and with ``.bin`` when the
    type is unknown, so that no name makes the person's computer open it as something else."""
    path = PurePosixPath(filename or "archivo")
    stem = path.stem if path.suffix else path.name
    current = path.suffix.lower().lstrip(".")
    if not extension:
        return f"{stem or 'archivo'}.bin"
    same = {extension} | ({"jpg", "jpeg"} if extension in {"jpg", "jpeg"} else set())
    if current in same:
        return path.name
    return f"{stem or 'archivo'}.{extension}"


def private_file_response(file, *, filename: str) -> FileResponse:
    """A download that no proxy or browser cache keeps and no browser sniffs or renders in
    the site's origin, named and typed by its content."""
    if not file:
        raise Http404(_("El documento no existe."))
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404(_("El documento ya no está disponible."))
    mime, extension = detected_type(handle)
    response = FileResponse(handle, content_type=mime, as_attachment=True, filename=download_name(filename, extension))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
