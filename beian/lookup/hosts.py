"""Host-name normalisation for the lookup's hot path: the validators' ``normalize_domain``, made cheap.

``normalize_domain`` (UTS 46 mapping, IDNA per label, PSL) costs ≈ 60–130 µs a call — as much as the rest of a
lookup. Two things make the lookup's use of it cheap without changing a single answer:

* **ASCII fast path**: a plain ASCII letter-digit-hyphen name (the vast majority of queries: ``WWW.Example.com.``)
  needs no UTS 46 table and no IDNA codec — lower-casing is its whole mapping. The fast path accepts only names
  that ``normalize_domain`` would accept unchanged (no ``xn--`` or other ``??--`` label, no all-digit name, labels
  of 1–63 characters not starting or ending with a hyphen, ≤ 253 characters) and asks the PSL for the registrable
  domain; everything else — Unicode, punycode, anything refused — goes to ``normalize_domain`` itself, so errors
  keep their codes and messages. ``tests/lookup/test_hosts.py`` checks both paths give equal results.
* **A bounded memo** of recent hosts (``MEMO_SIZE``, first-in first-out), for the skew of real traffic.
"""

from __future__ import annotations

import re

from beian.core.validators import DomainName, _psl, normalize_domain

MEMO_SIZE = 4096

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PLAIN = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}\.?", re.IGNORECASE | re.ASCII)
_DIGITS = re.compile(r"[0-9.]+")
_memo: dict[str, DomainName] = {}


def _fast(text: str) -> DomainName | None:
    """The plain-ASCII case, or None when ``normalize_domain`` must decide."""
    if len(text) > 254 or not _PLAIN.fullmatch(text) or "--" in text or _DIGITS.fullmatch(text):
        return None  # ("--" anywhere: xn-- and other reserved ??-- labels are IDNA's to judge)
    name = text.lower().rstrip(".")
    if len(name) > 253:
        return None
    registrable = _psl().privatesuffix(name)
    if registrable is None:
        return None  # unknown TLD or a bare public suffix: normalize_domain says which
    return DomainName(unicode=name, ascii=name, registrable_unicode=registrable, registrable_ascii=registrable)


def normalize_host(value: str, *, field: str | None = None) -> DomainName:
    """``normalize_domain(value, field=field)``, the same result or the same error, cheaper."""
    hit = _memo.get(value)
    if hit is not None:
        return hit
    text = (value or "").strip()
    name = (_fast(text) if text.isascii() else None) or normalize_domain(value, field=field)
    if len(_memo) >= MEMO_SIZE:
        _memo.pop(next(iter(_memo)), None)
    _memo[value] = name
    return name


def clear_memo() -> None:
    _memo.clear()
