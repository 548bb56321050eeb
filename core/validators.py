"""Validators shared by every app's models and forms."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MULTILINE_ALLOWED = frozenset("\n\r\t")


def control_characters(value: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The control characters (Unicode category Cc) in ``value``, except ``allowed``."""
    return [ch for ch in value if unicodedata.category(ch) == "Cc" and ch not in allowed]


def strip_control_characters(value: str) -> str:
    """``value`` on one line: every control character becomes a space, runs collapsed."""
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in value)
    return " ".join(cleaned.split())


@deconstructible
class NoControlCharactersValidator:
    """Refuses line breaks, tabs, NUL and every other control character in a one-line text.

    Names and subjects end up in e-mail headers and CSV cells, where a line break either
    breaks the message or splits the row. ``multiline=True`` lets a text area keep its
    line breaks and tabs and refuses the rest.
    """

    message = _("Este campo no admite saltos de línea ni caracteres de control; escríbalo en una sola línea.")
    multiline_message = _(
        "El texto contiene caracteres de control que no se pueden guardar; quítelos y vuelva a intentarlo."
    )
    code = "control_characters"

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        allowed = MULTILINE_ALLOWED if self.multiline else frozenset()
        if control_characters(value, allowed=allowed):
            raise ValidationError(self.multiline_message if self.multiline else self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, NoControlCharactersValidator) and self.multiline == other.multiline


validate_single_line = NoControlCharactersValidator()
validate_multiline_text = NoControlCharactersValidator(multiline=True)
