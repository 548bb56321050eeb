"""CSV files people open in a spreadsheet program: nothing they download runs as a formula."""

from __future__ import annotations

# What makes a cell a formula when a spreadsheet opens the CSV (Excel, LibreOffice, Google
# Sheets). A value such as "@INEJalisco" is not one: it stays as typed, with no apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Quote a cell a spreadsheet would run as a formula, so it is read as text.

    A leading "@" is a formula only when it calls a function (Excel's "@SUM(A1)"); a
    handle cannot contain "(", so handles are written as they are.
    """
    if text.startswith(_FORMULA_STARTS) or (text.startswith("@") and "(" in text):
        return "'" + text
    return text
