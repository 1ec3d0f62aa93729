"""Reading numbers typed by a user (tables, the command line, links), strictly.

Only ASCII digits are read as numbers: ``１６０`` (full-width), ``١٦٠`` (Arabic-Indic) and
``1_1`` (Python's digit grouping) are refused with a message, although Python's ``int`` and
``float`` would accept them, so that what a user sees is what is counted. Nothing is ever
evaluated.
"""

from __future__ import annotations

import re
from fractions import Fraction

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FRACTION = re.compile(r"[0-9]+/[0-9]+")
_SPECIAL = {"inf": float("inf"), "+inf": float("inf"), "-inf": float("-inf"),
            "infinity": float("inf"), "-infinity": float("-inf"), "nan": float("nan")}

ASCII_NOTE = "ASCII digits only (no digit grouping with _ and no other scripts' digits)"


def parse_integer(text: str, field: str) -> int:
    """An integer written in ASCII digits, e.g. ``160``; ``ValueError`` naming ``field``."""
    stripped = text.strip()
    if not _INTEGER.fullmatch(stripped):
        raise ValueError(f"{field} must be an integer in {ASCII_NOTE}; got {text!r}")
    return int(stripped)


def parse_real(text: str, field: str) -> float:
    """A decimal number in ASCII digits (``0.5``, ``1e-3``; ``inf`` and ``nan`` are read so
    that the range check can refuse them by name); ``ValueError`` naming ``field``."""
    stripped = text.strip()
    special = _SPECIAL.get(stripped.lower())
    if special is not None:
        return special
    if not _DECIMAL.fullmatch(stripped):
        raise ValueError(f"{field} must be a number in {ASCII_NOTE}; got {text!r}")
    return float(stripped)


def parse_ratio(text: str, field: str) -> Fraction:
    """A non-negative exact ratio: a decimal (``2.5``) or a fraction (``184/80``)."""
    stripped = text.strip()
    if _FRACTION.fullmatch(stripped):
        numerator, denominator = stripped.split("/")
        if int(denominator) == 0:
            raise ValueError(f"{field} must not divide by zero; got {text!r}")
        return Fraction(int(numerator), int(denominator))
    if not _DECIMAL.fullmatch(stripped) or "e" in stripped.lower():
        raise ValueError(
            f"{field} must be a number such as 6, 2.5 or 184/80 in {ASCII_NOTE}; got {text!r}")
    return Fraction(stripped)


__all__ = ["ASCII_NOTE", "parse_integer", "parse_ratio", "parse_real"]
