"""Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, last one a check."""
from __future__ import annotations

from ..errors import InputError, Location

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> InputError | None:
    """None if valid, else what is wrong (the web layer translates by the error's code)."""
    code = code.strip().upper()
    if len(code) != 18:
        return _error("credit_code_length", "must be 18 characters")
    if any(char not in ALPHABET for char in code):
        return _error("credit_code_character",
                      "contains a character that a credit code cannot have")
    if check_character(code[:17]) != code[17]:
        return _error("credit_code_check", "check character does not match")
    return None


def _error(code: str, message: str) -> InputError:
    return InputError(message, code=code, location=Location(field="credit_code"))
