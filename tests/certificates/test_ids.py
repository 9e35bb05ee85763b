"""Public certificate IDs: the ISO 7064 MOD 37,36 check character, parsing what people type."""
from __future__ import annotations

import re

import pytest

from footprint.certificates import ids

# Worked example: CQ-CFP-2026-7K3M-9XQ4, alphanumerics only. Values: 0-9 -> 0-9, A-Z -> 10-35.
# Start p = 36; for each character s = (p + value) mod 36 (0 read as 36), then p = 2s mod 37.
WORKED = [  # (character, value, s, new p)
    ("C", 12, 12, 24),  # (36 + 12) mod 36 = 12;  24 mod 37 = 24
    ("Q", 26, 14, 28),  # (24 + 26) mod 36 = 14;  28
    ("C", 12, 4, 8),    # (28 + 12) mod 36 = 4;   8
    ("F", 15, 23, 9),   # (8 + 15) = 23;          46 mod 37 = 9
    ("P", 25, 34, 31),  # (9 + 25) = 34;          68 mod 37 = 31
    ("2", 2, 33, 29),   # (31 + 2) = 33;          66 mod 37 = 29
    ("0", 0, 29, 21),   # 29;                     58 mod 37 = 21
    ("2", 2, 23, 9),    # 23;                     46 mod 37 = 9
    ("6", 6, 15, 30),   # 15;                     30
    ("7", 7, 1, 2),     # (30 + 7) mod 36 = 1;    2
    ("K", 20, 22, 7),   # 22;                     44 mod 37 = 7
    ("3", 3, 10, 20),   # 10;                     20
    ("M", 22, 6, 12),   # (20 + 22) mod 36 = 6;   12
    ("9", 9, 21, 5),    # 21;                     42 mod 37 = 5
    ("X", 33, 2, 4),    # (5 + 33) mod 36 = 2;    4
    ("Q", 26, 30, 23),  # 30;                     60 mod 37 = 23
    ("4", 4, 27, 17),   # 27;                     54 mod 37 = 17
]
# check value = (37 - 17) mod 36 = 20 -> "K"


def test_the_check_character_of_the_worked_example():
    p = 36
    for char, value, s, after in WORKED:
        assert ids.ALPHANUMERIC.index(char) == value
        assert ((p + value) % 36 or 36) == s
        assert (s * 2) % 37 == after
        p = after
    assert (37 - p) % 36 == 20 and ids.ALPHANUMERIC[20] == "K"
    assert ids.check_character("CQ-CFP-2026-7K3M-9XQ4") == "K"
    assert ids.parse("CQ-CFP-2026-7K3M-9XQ4-K") == "CQ-CFP-2026-7K3M-9XQ4-K"


def test_the_check_character_agrees_with_a_published_mod_37_36_example():
    # GRid (Global Release Identifier, ISO 7064 MOD 37,36): A1-2425G-ABC1234002-M
    assert ids.check_character("A1-2425G-ABC1234002") == "M"


@pytest.mark.parametrize("scheme, code", [("pcf-verification", "CFP"), ("green-design", "GDP"),
                                          ("green-factory", "GF")])
def test_a_new_id_has_the_shape_and_its_check_character(scheme, code):
    for _ in range(50):
        public_id = ids.new_id(scheme, 2026, "CQ")
        assert re.fullmatch(rf"CQ-{code}-2026-[{ids.CROCKFORD}]{{4}}-[{ids.CROCKFORD}]{{4}}-"
                            rf"[{ids.CROCKFORD}]", public_id)
        assert ids.check_character(public_id[:-2]) == public_id[-1]
        assert ids.parse(public_id) == public_id


def test_ids_are_random():
    assert len({ids.new_id("pcf-verification", 2026) for _ in range(200)}) == 200


def test_every_single_wrong_character_and_every_adjacent_swap_is_detected():
    public_id = "CQ-CFP-2026-7K3M-9XQ4-K"
    positions = [i for i, c in enumerate(public_id) if c != "-"]
    for i in positions[5:]:  # prefix and scheme are checked by the pattern too; here: the rest
        for char in ids.ALPHANUMERIC:
            if char == public_id[i]:
                continue
            typo = public_id[:i] + char + public_id[i + 1:]
            assert ids.parse(typo) is None or ids.parse(typo) == public_id, typo
    for i in positions[:5]:  # a wrong letter in the prefix or scheme is caught by the check
        for char in ids.ALPHANUMERIC:
            if char != public_id[i]:
                body = public_id[:i] + char + public_id[i + 1:-2]
                assert ids.check_character(body) != "K", body
    alphanumerics = [c for c in public_id if c != "-"]
    for a, b in zip(range(len(alphanumerics) - 1), range(1, len(alphanumerics))):
        swapped = alphanumerics.copy()
        swapped[a], swapped[b] = swapped[b], swapped[a]
        if swapped != alphanumerics:
            assert ids.check_character("".join(swapped[:-1])) != swapped[-1], (a, b)


def test_a_typo_fails_the_check():
    assert ids.parse("CQ-CFP-2026-7K3M-9XQ5-K") is None  # 4 -> 5
    assert ids.parse("CQ-CFP-2026-K73M-9XQ4-K") is None  # 7K -> K7


def test_parse_reads_what_people_type():
    assert ids.parse(" cq-cfp-2026-7k3m-9xq4-k ") == "CQ-CFP-2026-7K3M-9XQ4-K"
    assert ids.parse("CQ-CFP-2026 - 7K3M - 9XQ4 - K") == "CQ-CFP-2026-7K3M-9XQ4-K"
    # O is read as zero, I and L as one (Crockford): 0 and 1 are what was printed
    assert ids.parse("CQ-CFP-2026-O0AB-CDEF-" + ids.check_character("CQCFP20260" "0ABCDEF")) \
        == "CQ-CFP-2026-00AB-CDEF-" + ids.check_character("CQCFP202600ABCDEF")
    one = "CQ-CFP-2026-1ABC-DEF1-" + ids.check_character("CQCFP20261ABCDEF1")
    assert ids.parse(one.replace("1ABC", "IABC").replace("DEF1", "DEFL")) == one


@pytest.mark.parametrize("text", ["", "CQ", "CQ-CFP-2026-7K3M-9XQ4", "CQ-XYZ-2026-7K3M-9XQ4-K",
                                  "CQ-CFP-26-7K3M-9XQ4-K", "CQ-CFP-2026-7K3M-9XQ4-K-1",
                                  "CQ-CFP-2026-7K3U-9XQ4-K", "../etc/passwd", "x" * 1000, None])
def test_parse_refuses_what_is_not_an_id(text):
    assert ids.parse(text) is None
