"""Independent builders of valid check characters (from the standards' weights, not from the code under test)."""

from __future__ import annotations

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(area: str, birth: str, seq: str = "123") -> str:
    """17 digits (area + YYYYMMDD + sequence) plus the GB 11643 MOD 11-2 check character."""
    body = area + birth + seq
    assert len(body) == 17
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def org_check(first8: str) -> str:
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def uscc_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc(prefix8: str, org8: str, *, inner: str | None = None) -> str:
    """A USCC from authority+category+division (8) and an organisation code body (8); ``inner`` overrides
    the organisation-code check digit (the outer check character is always recomputed to be valid)."""
    first17 = prefix8 + org8 + (inner if inner is not None else org_check(org8))
    return first17 + uscc_check(first17)
