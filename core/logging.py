"""Logging filters for the project's ``LOGGING`` setting."""

from __future__ import annotations

import logging


class DropClientErrorTraceback(logging.Filter):
    """An ordinary 4xx keeps its one-line warning but loses the traceback.

    ``django.request`` logs every 403 and 404 raised as an exception with ``exc_info``, so
    the development server prints a whole traceback for a refused page or a mistyped
    address. A 4xx is the system working as designed; a 500 keeps its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
