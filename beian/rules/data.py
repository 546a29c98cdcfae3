"""The rules' data as one in-process snapshot, reloaded when the data changes (design.md §7).

:func:`rules_data` costs one indexed query (the newest :class:`RuleDataEdit` id) at most every
``BEIAN_REFDATA_CHECK_MS`` (core.refdata) while nothing has changed; an edit in the admin (any process) changes that id
and the next check reloads (an edit in this process clears the snapshot at once). The registry's own
catalogues (entity types, province names, the ``is_self`` access provider) are reloaded at most every
``REGISTRY_TTL`` seconds.

Text matching (:func:`text_normalize`) ignores full-width forms (NFKC), case, spaces and punctuation and
converts Traditional to Simplified characters with OpenCC (``opencc`` on PyPI, its data shipped in the wheel):
``賭博``, ``赌 博`` and ``ＤＵ博`` → ``赌博``/``du博``.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field

import opencc

from beian.core.hotsql import hot_fetch
from beian.core.refdata import check_due, on_reset

REGISTRY_TTL = 30.0

_T2S = opencc.OpenCC("t2s")
_IGNORED = re.compile(r"[\s\u3000\u00b7\u2022_\-\u2010-\u2015.\u3002,\uff0c\u3001/\\|'\"\u201c\u201d\u2018\u2019()"
                      r"\uff08\uff09\u3010\u3011\[\]{}<>\u300a\u300b!\uff01?\uff1f:\uff1a;\uff1b*~`^+=#@&%$]+")


@functools.lru_cache(maxsize=8192)  # pure; province names are compared on every region check
def text_normalize(text: str) -> str:
    """Full-width → half-width, lower case, spaces and punctuation removed, Traditional → Simplified."""
    if not text:
        return ""
    text = _IGNORED.sub("", unicodedata.normalize("NFKC", text).lower())
    return _T2S.convert(text) if not text.isascii() else text


@dataclass(frozen=True)
class ProvinceSettings:
    """National defaults merged with one province's overrides (``ProvinceRule`` rows)."""

    code: str | None
    name: str
    min_age: int | None = None
    certificate_valid_months: int = 3
    domain_valid_months: int | None = 3
    domain_valid_days: int | None = None
    legal_rep: str = "required"
    website_principal_authorisation: bool = False
    max_websites_per_order_individual: int | None = None
    max_websites_per_order_organisation: int | None = None
    max_websites_individual: int | None = None
    max_websites_organisation: int | None = None
    residence: str = "proof"
    cross_province_server: str = "explain"
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategoryData:
    code: str
    name_zh: str
    name_en: str
    rule_code: str
    applies_to: str
    screen: str
    pre_approval_type: str
    commitment_instead: bool
    words: tuple[tuple[str, str, str | None], ...]  # (normalised, as entered, province code or None)

    def matches(self, normalised_text: str, province: str | None) -> list[str]:
        return [word for norm, word, prov in self.words
                if norm and norm in normalised_text and (prov is None or prov == province)]


@dataclass
class RulesData:
    revision: tuple
    national: ProvinceSettings
    provinces: dict[str, ProvinceSettings]
    province_names: dict[str, str]
    categories: list[CategoryData]
    tlds: dict[str | None, dict[str, bool]]
    ip_ranges: list[tuple[int, int, int, str, str]]  # (start, end, ip version, province code, name)
    self_provider: str
    individual_types: frozenset[str]
    loaded_at: float = field(default_factory=time.monotonic)

    def province(self, code: str | None) -> ProvinceSettings:
        return self.provinces.get(code or "", self.national)

    def tld_fileable(self, tld: str, province: str | None) -> bool | None:
        """True / False from the province's list, else the national list; None when the TLD is not listed."""
        local = self.tlds.get(province or "", {})
        if tld in local:
            return local[tld]
        return self.tlds.get(None, {}).get(tld)

    def ip_range_of(self, start: str, end: str) -> tuple[str, str] | None:
        """(province code, range name) of the provider's range holding start…end, or None."""
        try:
            a, b = ipaddress.ip_address(start), ipaddress.ip_address(end)
        except ValueError:
            return None
        for lo, hi, version, province, name in self.ip_ranges:
            if version == a.version == b.version and lo <= int(a) and int(b) <= hi:
                return province, name
        return None


_lock = threading.Lock()
_cache: RulesData | None = None
_checked_at: float | None = None  # when the snapshot was last confirmed current (core.refdata)


def _revision() -> tuple:
    """The newest edit's id and time: ids can be reused after a rolled-back transaction, times are not."""
    from beian.rules.models import RuleDataEdit

    # Every rule run asks: a prepared statement (core.hotsql).
    row = hot_fetch(f'SELECT "id", "at" FROM "{RuleDataEdit._meta.db_table}" ORDER BY "id" DESC LIMIT 1', [], one=True)
    return tuple(row) if row else (0, None)


def _settings(row, base: ProvinceSettings, code: str | None, name: str) -> ProvinceSettings:
    from beian.rules.models import ProvinceRule

    values = {f: getattr(base, f) for f in ProvinceRule.OVERRIDABLE}
    for f in ProvinceRule.OVERRIDABLE:
        value = getattr(row, f)
        if value is not None and value != "":
            values[f] = value
    days, months = base.domain_valid_days, base.domain_valid_months
    if row.domain_valid_days is not None or row.domain_valid_months is not None:
        days, months = row.domain_valid_days, row.domain_valid_months
    sources = base.sources + ((row.source,) if row.source else ())
    return ProvinceSettings(code=code, name=name, domain_valid_days=days, domain_valid_months=months,
                            sources=sources, **values)


def _load(revision: tuple) -> RulesData:
    from beian.registry.models import AccessProvider, EntityType, Province
    from beian.rules.models import FileableTld, ProviderIpRange, ProvinceRule, WordCategory

    names = dict(Province.objects.values_list("code", "name"))
    rows = list(ProvinceRule.objects.select_related("province"))
    national = ProvinceSettings(code=None, name="")
    for row in rows:
        if row.province_id is None:
            national = _settings(row, national, None, "")
    provinces = {row.province.code: _settings(row, national, row.province.code, row.province.name)
                 for row in rows if row.province_id is not None}
    for code, name in names.items():
        provinces.setdefault(code, ProvinceSettings(**{**national.__dict__, "code": code, "name": name}))

    categories = []
    for cat in WordCategory.objects.filter(active=True).prefetch_related("words__province"):
        words = tuple((text_normalize(w.word), w.word, w.province.code if w.province_id else None)
                      for w in cat.words.all())
        categories.append(CategoryData(code=cat.code, name_zh=cat.name_zh, name_en=cat.name_en,
                                       rule_code=cat.rule_code, applies_to=cat.applies_to, screen=cat.screen,
                                       pre_approval_type=cat.pre_approval_type,
                                       commitment_instead=cat.commitment_instead, words=words))
    tlds: dict[str | None, dict[str, bool]] = {}
    for tld, code, fileable in FileableTld.objects.values_list("tld", "province__code", "fileable"):
        tlds.setdefault(code, {})[text_normalize_tld(tld)] = fileable
    ranges = []
    for r in ProviderIpRange.objects.filter(active=True).select_related("province"):
        lo, hi = ipaddress.ip_address(r.start), ipaddress.ip_address(r.end)
        ranges.append((int(lo), int(hi), lo.version, r.province.code, r.name))
    provider = AccessProvider.objects.filter(is_self=True).values_list("name", flat=True).first() or ""
    individual = frozenset(EntityType.objects.filter(is_individual=True).values_list("name", flat=True))
    return RulesData(revision=revision, national=national, provinces=provinces, province_names=names,
                     categories=categories, tlds=tlds, ip_ranges=ranges, self_provider=provider,
                     individual_types=individual)


def text_normalize_tld(tld: str) -> str:
    return unicodedata.normalize("NFKC", tld or "").strip().lstrip(".").lower()


def rules_data() -> RulesData:
    """The current snapshot of the rules' data (reloaded after any edit)."""
    global _cache, _checked_at
    cached, now = _cache, time.monotonic()
    fresh = cached is not None and now - cached.loaded_at < REGISTRY_TTL
    if fresh and not check_due(_checked_at, now):
        return cached
    revision = _revision()
    if not (fresh and cached.revision == revision):
        with _lock:
            cached = _cache = _load(revision)
    _checked_at = now
    return cached


@on_reset
def rules_data_reset() -> None:
    """Forget the snapshot (tests that change the registry's catalogues call this)."""
    global _cache, _checked_at
    _cache, _checked_at = None, None
