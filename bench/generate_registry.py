#!/usr/bin/env python
"""Generate a synthetic registry of N entities and bulk-load it into the configured database.

Usage (migrate first; the database comes from BEIAN_DATABASE_URL as for the application)::

    DJANGO_SETTINGS_MODULE=beian.settings .venv/bin/python bench/generate_registry.py --entities 1000000

Shapes (design.md §4, icp-domain.md §2, §2.7, §7.1): ≈1.3 websites per entity, one domain per website except
≈10 % legacy (approved before 2019-04-22) websites with 2–3 domains, provinces weighted by
``Province.population``, ≈80 % enterprises with valid unified social credit codes and ≈20 % individuals with
valid resident IDs, filing numbers in the 8-digit (before 2020) and 10-digit forms, website numbers ``…号-N``,
access records of this provider with IPv4 ranges, ≈2 % cancelled entities and some cancelled websites,
``NumberSeries`` at the highest serial issued and one ``RegistryVersion`` per entity.

The data is deterministic: entity number *i* of seed *s* is built from its own random stream, the filing
serials continue from ``NumberSeries``, so an interrupted run continued with ``--resume`` produces the same
registry as an uninterrupted one. Every generated entity carries ``bench:<seed>:<index>:<as-of>`` in its
remarks, which is how ``--resume`` finds where to continue.

Loading: batches of ``--batch-size`` entities, one transaction per batch; SQLite with ``executemany`` and
``synchronous=OFF`` for the load, PostgreSQL with ``COPY``. Afterwards a random sample is validated through
the models (``full_clean()``) and by recomputing every check digit. See docs/bench.md for measurements.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import datetime as dt
import json
import math
import os
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

if __name__ == "__main__":  # runnable as a plain script from the repository root or anywhere else
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beian.settings")
    import django

    django.setup()

import idna
from django.core.management.color import no_style
from django.db import connection, connections, transaction

from beian.registry.models import (
    Access,
    AccessProvider,
    Domain,
    Entity,
    NumberSeries,
    PreApproval,
    Principal,
    Province,
    RegistryVersion,
    Website,
)
from bench import registry_data as rd

MARK = "bench:"
MARK_RE = re.compile(r"^bench:(\d+):(\d+):(\d{8})")
ENTITY_NUMBER_RE = re.compile(r"^(?P<abbr>\w)ICP备(?:(?P<y4>20[2-9]\d)(?P<s4>\d{6})|(?P<y2>\d{2})(?P<s2>\d{6}))号$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
CST_OFFSET = 8 * 3600
LEGACY_CUTOFF = dt.date(2019, 4, 22)  # one domain per new website from this day (工信管函〔2019〕633号)
INDIVIDUAL_SHARE = 0.20
CANCELLED_ENTITY_SHARE = 0.02
CANCELLED_WEBSITE_SHARE = 0.015
WITHOUT_ACCESS_SHARE = 0.005
ACCESS_LIMITED_SHARE = 0.003
PRE_APPROVAL_SHARE = 0.02
LEGACY_MULTI_DOMAIN_SHARE = 0.23  # of websites approved before the cutoff → ≈10 % of all websites
MAX_WEBSITES = 6
# Generated versions have no order behind them; their diff is one entry marking the creation (a full
# filing_diff would repeat the whole snapshot and double the table).
CREATION_DIFF = json.dumps([{"path": "entity", "op": "add", "old": None, "new": None}])
# Bytes on disk per entity with all its rows and indexes, measured (docs/bench.md), plus head-room.
BYTES_PER_ENTITY = {"sqlite": 4200, "postgresql": 4700}
DISK_HEADROOM = 1.5
YEAR_WEIGHTS = {2008: 2, 2009: 2, 2010: 3, 2011: 3, 2012: 4, 2013: 4, 2014: 5, 2015: 6, 2016: 7, 2017: 7, 2018: 7}
ENTERPRISE_SITES = [0.76, 0.16, 0.05, 0.02, 0.007, 0.003]  # P(1 … 6 websites)
INDIVIDUAL_SITES = [0.88, 0.10, 0.02]
ACCESS_METHODS = [("云接入", 90), ("主机托管", 5), ("专线", 3), ("虚拟主机", 2)]


NULL_COPY = "\\N"  # NULL in COPY's text format


class GeneratorError(Exception):
    """A condition the generator refuses to run under (message says what to do)."""


# ---------------------------------------------------------------- helpers


def _cum(weights):
    total, out = 0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rng: random.Random, items, cum):
    return items[bisect.bisect_right(cum, rng.random() * cum[-1])]


def _coprime_multiplier(modulus: int) -> int:
    """A multiplier for the bijection ``x -> (x * a + b) mod modulus`` (uniqueness without bookkeeping)."""
    a = int(modulus * 0.6180339887) | 1
    while math.gcd(a, modulus) != 1:
        a += 2
    return a


class _Perm:
    """Bijection on ``[0, modulus)``: distinct indexes give distinct values, which look unordered."""

    def __init__(self, modulus: int, offset: int):
        self.modulus, self.a, self.b = modulus, _coprime_multiplier(modulus), offset % modulus

    def __call__(self, x: int) -> int:
        if x >= self.modulus:
            raise GeneratorError(f"index {x} exceeds the generator's unique space {self.modulus}")
        return (x * self.a + self.b) % self.modulus


def _to_base(n: int, alphabet: str, width: int) -> str:
    chars = []
    for _ in range(width):
        n, r = divmod(n, len(alphabet))
        chars.append(alphabet[r])
    return "".join(reversed(chars))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Report:
    """What one run did: counts, time, size and the sample validation's findings."""

    generated: int = 0
    total_generated: int = 0
    seconds: float = 0.0
    load_seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    db_bytes: int = 0
    db_vendor: str = ""
    sample_checked: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"database: {self.db_vendor}, {self.db_bytes / 2**20:,.1f} MiB",
               f"generated this run: {self.generated:,} entities in {self.seconds:,.1f} s"
               f" ({self.generated / self.seconds if self.seconds else 0:,.0f}/s; rows loaded after "
               f"{self.load_seconds:,.1f} s, then indexes, ANALYZE, sample); generated in total: "
               f"{self.total_generated:,}"]
        out += [f"  {name:<16} {count:>12,}" for name, count in self.rows.items()]
        out.append(f"sample validation: {self.sample_checked} entities checked, {len(self.problems)} problems")
        out += [f"  - {p}" for p in self.problems[:20]]
        return out


# ---------------------------------------------------------------- tables


class _Table:
    """Column order and insert statements for one model; unknown new columns get their field default."""

    def __init__(self, model, names: list[str]):
        self.model = model
        self.name = model._meta.db_table
        fields = [model._meta.get_field(n) for n in names]
        columns = [f.column for f in fields]
        extras = []
        for f in model._meta.concrete_fields:
            if f.column in columns:
                continue
            if f.has_default():
                value = f.get_default()
                value = json.dumps(value) if isinstance(value, list | dict) else value
            elif f.has_db_default():
                continue
            elif f.null:
                value = None
            else:
                raise GeneratorError(f"{self.name}.{f.column} has no default: teach bench/generate_registry.py")
            columns.append(f.column)
            extras.append(value)
        if connection.vendor == "postgresql":
            extras = [NULL_COPY if v is None else v for v in extras]
        self.extras = tuple(extras)
        self.template = "\t".join(["{}"] * len(columns))
        self.columns = columns
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in columns)
        self.insert_sql = f"INSERT INTO {qn(self.name)} ({cols}) VALUES ({', '.join('?' * len(columns))})"
        self.copy_sql = f"COPY {qn(self.name)} ({cols}) FROM STDIN"
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.extras if self.extras else row)

    def copy_text(self, rows: list[tuple]) -> str:
        """``rows`` in COPY's text format. The generator hands PostgreSQL NULL already as ``\\N`` and JSON with
        its backslashes doubled (:data:`Generator.null`, :meth:`Generator._copy_json`); booleans print as
        True/False, which PostgreSQL reads; no value holds a tab, newline or carriage return (word lists,
        digits, and JSON, which escapes them — a test checks the word lists)."""
        template = self.template
        return "\n".join([template.format(*row) for row in rows]) + "\n"

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        if connection.vendor == "postgresql":
            with connection.cursor() as wrapper, wrapper.cursor.copy(self.copy_sql) as copy:
                copy.write(self.copy_text(rows))
        else:
            connection.connection.executemany(self.insert_sql, rows)
        return len(rows)


def _tables() -> dict[str, _Table]:
    return {
        "principal": _Table(Principal, ["id", "role", "name", "certificate_type", "certificate_number", "valid_from",
                                        "valid_to", "mobile", "emergency_phone", "email"]),
        "entity": _Table(Entity, ["id", "owner", "entity_type", "name", "certificate_type", "certificate_number",
                                  "province", "city", "district", "certificate_address", "communication_address",
                                  "superior_unit", "remarks", "principal", "number", "website_suffix_high", "status",
                                  "empty_shell", "version", "approved_at", "created_at", "updated_at"]),
        "website": _Table(Website, ["id", "entity", "name", "home_url", "service_content", "languages", "remarks",
                                    "principal", "number", "suffix", "status", "access_limited", "without_access",
                                    "approved_at", "created_at"]),
        "domain": _Table(Domain, ["id", "website", "name", "ascii", "status", "sort"]),
        "access": _Table(Access, ["id", "website", "provider", "method", "region", "ip_ranges", "status",
                                  "created_at"]),
        "pre_approval": _Table(PreApproval, ["id", "website", "type", "number", "status"]),
        "version": _Table(RegistryVersion, ["id", "entity", "version", "snapshot", "diff", "order", "actor",
                                            "created_at"]),
    }


# ---------------------------------------------------------------- the generator

TABLE_ORDER = ["principal", "entity", "website", "domain", "access", "pre_approval", "version"]
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


@dataclass
class Shape:
    """What decides how many rows entity *i* has and which serial it takes: the first draws of its stream."""

    province: Province
    individual: bool
    year: int
    unique_birth: int | None
    approved: int
    dates: list[int]
    domains: list[int]
    pre: list[bool]
    gap: int

    def counts(self) -> tuple[int, ...]:
        """Rows per table, in TABLE_ORDER."""
        n = len(self.dates)
        return (n + 1, 1, n, sum(self.domains), n, sum(self.pre), 1)


class Generator:
    """Builds the rows of entity ``index`` from its own random stream, ``seed * 10**10 + index``.

    The stream's first draws (:meth:`shape`) fix the entity's province, approval year, number of websites,
    domains and pre-approvals and the gap to the previous serial of its province and year. A cheap pass over
    the shapes (:meth:`plan`) therefore gives, for any range of indexes, how many rows each table gets and how
    far each serial series advances — which is what lets workers generate ranges in any order and still assign
    the ids and serials an uninterrupted single-process run assigns.
    """

    def __init__(self, *, seed: int, as_of: dt.date, provinces: list[Province], provider: AccessProvider,
                 tz_suffix: str, series_start: dict[tuple[int, int], int] | None = None, copy_text: bool = False):
        self.seed, self.as_of, self.tz = seed, as_of, tz_suffix
        self.null = NULL_COPY if copy_text else None  # rows go into COPY text (PostgreSQL) or executemany
        self.rng = random.Random()
        self.provider = provider
        self.provinces = [p for p in provinces if p.code in rd.DIVISIONS and p.population > 0]
        if not self.provinces:
            raise GeneratorError("no provinces with a population weight: run manage.py migrate first")
        self.province_cum = _cum(p.population for p in self.provinces)
        self.city_cum = {code: _cum(c[3] for c in cities) for code, cities in rd.DIVISIONS.items()}
        self.surname_cum = _cum(1 / (rank + 8) for rank in range(len(rd.SURNAMES)))
        self.tld_cum = _cum(w for _, w in rd.TLDS)
        self.mail_cum = _cum(w for _, w in rd.MAIL_DOMAINS)
        self.region_cum = _cum(w for _, w in rd.SERVER_REGIONS)
        self.method_cum = _cum(w for _, w in ACCESS_METHODS)
        self.suffix_cum = _cum(w for _, w in rd.COMPANY_SUFFIXES)
        self.ent_sites_cum, self.ind_sites_cum = _cum(ENTERPRISE_SITES), _cum(INDIVIDUAL_SITES)
        self.years = list(range(2008, as_of.year + 1))
        weights = [YEAR_WEIGHTS.get(y, 6) for y in self.years]
        weights[-1] *= as_of.timetuple().tm_yday / 365
        self.year_cum = _cum(weights)
        self.as_of_ts = calendar.timegm(as_of.timetuple()) - CST_OFFSET  # start of as_of in CST
        self.cutoff_ts = calendar.timegm(LEGACY_CUTOFF.timetuple()) - CST_OFFSET
        # Per year: first midnight (CST) and number of days up to as_of.
        self.year_days = {}
        for year in self.years:
            start = calendar.timegm((year, 1, 1, 0, 0, 0)) - CST_OFFSET
            end = min(calendar.timegm((year + 1, 1, 1, 0, 0, 0)) - CST_OFFSET, self.as_of_ts)
            self.year_days[year] = (start, max(1, (end - start) // 86400))
        # Unique spaces: resident IDs of individual entities, organisation codes, mobiles.
        self.birth_first = dt.date(1955, 1, 1).toordinal()
        birth_days = dt.date(as_of.year - 20, 12, 31).toordinal() - self.birth_first + 1
        self.perm_ric = _Perm(birth_days * 1000, seed * 7919)
        self.perm_org_digits = _Perm(10**8, seed * 104729)
        self.perm_org_ma = _Perm(31**6, seed * 1299709)
        self.perm_mobile = _Perm(10**8, seed * 15485863)
        self.address_cache: dict[tuple, str] = {}
        self.address_windows: dict[str, list[tuple[int, int]]] = {}
        self.json_cache: dict[tuple, str] = {}
        self.series_start = series_start or {}
        self.series: dict[tuple[int, int], int] = {}
        self.ids: dict[str, int] = {}
        self.tables: dict[str, _Table] = {}

    # -- the shape: the first draws of an entity's stream

    def shape(self, index: int) -> Shape:
        rng = self.rng
        rng.seed(self.seed * 10_000_000_000 + index)
        r = rng.random
        province = self.provinces[bisect.bisect_right(self.province_cum, r() * self.province_cum[-1])]
        individual = r() < INDIVIDUAL_SHARE
        year = self.years[bisect.bisect_right(self.year_cum, r() * self.year_cum[-1])]
        unique_birth = None
        if individual:
            unique_birth = self.perm_ric(index)
            birth_year = dt.date.fromordinal(self.birth_first + unique_birth // 1000).year
            if year < birth_year + 19:
                low = min(birth_year + 19, self.as_of.year)
                year = low + int(r() * (self.as_of.year - low + 1))
        day0, days = self.year_days[year]
        approved = day0 + int(r() * days) * 86400 + 9 * 3600 + int(r() * (9 * 3600 + 1))
        cum = self.ind_sites_cum if individual else self.ent_sites_cum
        n_sites = min(MAX_WEBSITES, 1 + bisect.bisect_right(cum, r()))
        dates = [approved]
        if n_sites > 1:
            span = max(approved, self.as_of_ts - 1) - approved + 1
            dates += sorted(approved + int(r() * span) for _ in range(n_sites - 1))
        domains, pre = [], []
        for ts in dates:
            n_domains = 1
            if ts < self.cutoff_ts and r() < LEGACY_MULTI_DOMAIN_SHARE:
                n_domains = 2 if r() < 0.7 else 3
            domains.append(n_domains)
            pre.append(not individual and r() < PRE_APPROVAL_SHARE)
        return Shape(province, individual, year, unique_birth, approved, dates, domains, pre, 1 + int(r() * 6))

    def plan(self, start: int, stop: int) -> tuple[list[int], dict[tuple[int, int], int]]:
        """Rows per table (TABLE_ORDER) and serial advance per (province id, year) of entities [start, stop)."""
        counts = [0] * len(TABLE_ORDER)
        gaps: dict[tuple[int, int], int] = {}
        for index in range(start, stop):
            shape = self.shape(index)
            for k, n in enumerate(shape.counts()):
                counts[k] += n
            key = (shape.province.id, shape.year)
            gaps[key] = gaps.get(key, 0) + shape.gap
        return counts, gaps

    def first_serial(self, key: tuple[int, int]) -> int:
        """The serial before the first one generated in a series: NumberSeries, or a seeded offset for a new one
        (this provider holds a share of a province's numbers)."""
        last = self.series_start.get(key)
        if last is None:
            last = random.Random(f"{self.seed}:{key[0]}:{key[1]}").randint(1_000, 60_000)
        return last

    def begin(self, *, ids: dict[str, int], series: dict[tuple[int, int], int], tables: dict[str, _Table]) -> None:
        """Start a range: the next id per table and the last serial before the range per series."""
        self.ids, self.series, self.tables = dict(ids), dict(series), tables

    # -- small builders

    def _fmt(self, ts: int) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts)) + self.tz

    def _json(self, value: list) -> str:
        key = tuple(value)
        out = self.json_cache.get(key)
        if out is None:
            out = self.json_cache[key] = json.dumps(value, ensure_ascii=False)
        return out

    def _address_code(self, candidates: tuple[str, ...], year: int) -> str:
        """The first candidate that was a valid ID address code in ``year``."""
        key = (candidates, year)
        code = self.address_cache.get(key)
        if code is not None:
            return code
        code = rd.ADDRESS_LAST_RESORT
        for candidate in candidates:
            windows = self.address_windows.get(candidate)
            if windows is None:
                windows = self.address_windows[candidate] = rd.address_code_windows(candidate)
            if any(start <= year <= end for start, end in windows):
                code = candidate
                break
        self.address_cache[key] = code
        return code

    def _mobile(self, index: int, slot: int) -> str:
        """A mobile unique to (entity index, slot): slot 0 entity principal, 1–6 websites, 7 emergency."""
        prefixes = rd.MOBILE_PREFIXES
        return f"{prefixes[int(self.rng.random() * len(prefixes))]}{self.perm_mobile(index * 8 + slot):08d}"

    def _person(self, *, index: int, slot: int, addresses: tuple[str, ...], approved: int,
                unique_birth: int | None = None) -> dict:
        """A person with a valid resident ID; ``unique_birth`` (from the bijection) makes the ID unique."""
        r = self.rng.random
        approved_ordinal = EPOCH_ORDINAL + (approved + CST_OFFSET) // 86400
        approved_day = dt.date.fromordinal(approved_ordinal)
        if unique_birth is None:
            latest = max(self.birth_first, _add_years(approved_day, -20).toordinal())
            birth = self.birth_first + int(r() * (latest - self.birth_first + 1))
            seq = int(r() * 1000)
        else:
            birth, seq = self.birth_first + unique_birth // 1000, unique_birth % 1000
        birth_day = dt.date.fromordinal(birth)
        male = seq % 2 == 1
        surname, surname_py = rd.SURNAMES[bisect.bisect_right(self.surname_cum, r() * self.surname_cum[-1])]
        pool = rd.GIVEN_MALE if male else rd.GIVEN_FEMALE
        given = [pool[int(r() * len(pool))] for _ in range(1 if r() < 0.35 else 2)]
        given_name = "".join(c for c, _ in given)
        address = self._address_code(addresses, birth_day.year)
        number = rd.make_ric(address=address, birth=f"{birth_day.year:04d}{birth_day.month:02d}{birth_day.day:02d}",
                             sequence=seq)
        # ID card: issued at 16 or later, within the 10 years before approval; 10/20 years or long-term.
        earliest = min(max(_add_years(birth_day, 16).toordinal(), approved_ordinal - 3650), approved_ordinal)
        issued = dt.date.fromordinal(earliest + int(r() * (approved_ordinal - earliest + 1)))
        age = issued.year - birth_day.year
        valid_to = None if age >= 46 else _add_years(issued, 10 if age < 26 else 20)
        mobile = self._mobile(index, slot)
        return {"name": surname + given_name, "pinyin": surname_py + "".join(p for _, p in given),
                "given": given_name, "number": number, "valid_from": issued.isoformat(),
                "valid_to": valid_to.isoformat() if valid_to else None, "mobile": mobile, "birth": birth_day}

    def _principal_row(self, role: str, person: dict, email: str, emergency: str) -> int:
        pid = self._next("principal")
        self.tables["principal"].add((pid, role, person["name"], "居民身份证", person["number"], person["valid_from"],
                                      person["valid_to"] or self.null, person["mobile"], emergency, email))
        return pid

    def _next(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _serial(self, key: tuple[int, int], gap: int) -> int:
        serial = self.series[key] + gap
        if serial > 999_999:
            raise GeneratorError(f"serials for province {key[0]} in {key[1]} are exhausted")
        self.series[key] = serial
        return serial

    @staticmethod
    def _state_principal(person: dict, email: str, emergency: str) -> dict:
        out = {"name": person["name"], "certificate_type": "居民身份证", "certificate_number": person["number"],
               "valid_from": person["valid_from"], "mobile": person["mobile"], "emergency_phone": emergency,
               "email": email}
        if person["valid_to"]:
            out["valid_to"] = person["valid_to"]
        return out

    # -- one entity

    def entity(self, index: int) -> None:
        shape = self.shape(index)
        r = self.rng.random
        province, individual, year, approved = shape.province, shape.individual, shape.year, shape.approved
        cities = rd.DIVISIONS[province.code]
        cum = self.city_cum[province.code]
        city_short, city, city_code, _, districts = cities[bisect.bisect_right(cum, r() * cum[-1])]
        district, district_code = districts[int(r() * len(districts))] if districts else ("", city_code)
        addresses = (district_code, city_code, province.code, *rd.ADDRESS_FALLBACKS.get(province.code, ()))
        owner = self._person(index=index, slot=0, addresses=addresses, approved=approved,
                             unique_birth=shape.unique_birth)
        emergency = self._mobile(index, 7)
        road = rd.ROADS[int(r() * len(rd.ROADS))]
        street = f"{road}{1 + int(r() * 999)}号"
        prefix = city if province.code in rd.MUNICIPALITIES else province.name + city
        certificate_address = f"{prefix}{district}{street}"

        if individual:
            entity_type, certificate_type, certificate_number = "个人", "居民身份证", owner["number"]
            name = owner["name"]
            trade = industry = None
            flat = f"{1 + int(r() * 30)}幢{1 + int(r() * 30)}0{1 + int(r() * 4)}室"
            communication_address = f"{district}{street}{flat}"
            superior_unit = name
        else:
            entity_type, certificate_type = "企业", "营业执照（个人或企业）"
            chars = rd.TRADE_CHARS
            first, second = int(r() * len(chars)), int(r() * (len(chars) - 1))
            second += second >= first
            trade, trade_py = chars[first][0] + chars[second][0], chars[first][1] + chars[second][1]
            industry = rd.INDUSTRIES[int(r() * len(rd.INDUSTRIES))]
            if r() < 0.08:  # sole trader
                name = f"{city}{district}{trade}{industry[0]}工作室"
                category = "2"
            else:
                suffix = rd.COMPANY_SUFFIXES[bisect.bisect_right(self.suffix_cum, r() * self.suffix_cum[-1])][0]
                name = f"{city_short}{trade}{industry[0]}{suffix}"
                category = "1"
            if year >= 2016 and r() < 0.7:
                body = "MA" + _to_base(self.perm_org_ma(index), rd.USCC_ALPHABET, 6)
            else:
                body = f"{self.perm_org_digits(index):08d}"
            certificate_number = rd.make_uscc(authority="9", category=category, division=district_code,
                                              org_body=body)
            communication_address = f"{district}{street}{1 + int(r() * 30)}楼"
            superior_unit = name if r() < 0.5 else owner["name"]

        number = rd.entity_number(province.abbr, year, self._serial((province.id, year), shape.gap))
        entity_id = self._next("entity")
        entity_cancelled = r() < CANCELLED_ENTITY_SHARE

        mail = rd.MAIL_DOMAINS[bisect.bisect_right(self.mail_cum, r() * self.mail_cum[-1])][0]
        owner_email = f"{owner['pinyin']}{1 + int(r() * 9999)}@{mail}"
        websites_state, active_sites = [], 0
        tables = self.tables
        website_rows, domain_rows, access_rows = tables["website"], tables["domain"], tables["access"]
        provider_id, provider_name = self.provider.id, self.provider.name
        for j, site_ts in enumerate(shape.dates):
            website_id = self._next("website")
            domains = []
            for k in range(shape.domains[j]):
                tld = rd.TLDS[bisect.bisect_right(self.tld_cum, r() * self.tld_cum[-1])][0]
                unique = index * 32 + j * 4 + k
                if tld == "中国":
                    base = trade + industry[0][:2] if trade else owner["name"]
                    unicode_name = f"{base}{unique}.中国"
                    ascii_name = idna.encode(unicode_name).decode("ascii")
                else:
                    if trade:
                        affixes = industry[1]
                        label = trade_py + affixes[int(r() * len(affixes))]
                    else:
                        label = owner["pinyin"] + rd.PERSON_AFFIXES[int(r() * len(rd.PERSON_AFFIXES))]
                    unicode_name = ascii_name = f"{label}{unique}.{tld}"
                domains.append((unicode_name, ascii_name))
            site_cancelled = entity_cancelled or r() < CANCELLED_WEBSITE_SHARE
            # Principal: the entity's principal, or (enterprises) someone else half of the time.
            if individual or r() < 0.5:
                person, email = owner, owner_email
            else:
                person = self._person(index=index, slot=1 + j, addresses=addresses, approved=site_ts)
                email = f"{person['pinyin']}@{domains[0][1]}"
            principal_id = self._principal_row("website", person, email, emergency)
            if trade:
                patterns = rd.WEBSITE_NAME_PATTERNS_ORG
                site_name = patterns[int(r() * len(patterns))].format(trade=trade, industry=industry[0],
                                                                      city=city_short)
                contents = industry[2]
                service = [contents[int(r() * len(contents))]]
                remarks = ""
            else:
                patterns = rd.WEBSITE_NAME_PATTERNS_PERSON
                site_name = patterns[int(r() * len(patterns))].format(name=owner["name"],
                                                                      given=owner["given"] or owner["name"])
                service = ["博客/个人空间"] if r() < 0.6 else ["其他"]
                remarks = "个人网站，记录学习与生活，不涉及经营性内容。"
            x = r()
            languages = ["中文简体"] if x < 0.93 else ["中文简体", "英语"] if x < 0.99 else ["中文简体", "中文繁体"]
            suffix = j + 1
            site_number = f"{number}-{suffix}"
            status = "cancelled" if site_cancelled else "active"
            without_access = not site_cancelled and r() < WITHOUT_ACCESS_SHARE
            access_limited = not site_cancelled and r() < ACCESS_LIMITED_SHARE
            site_when = self._fmt(site_ts)
            home_url = f"www.{domains[0][0]}"
            website_rows.add((website_id, entity_id, site_name, home_url, self._json(service),
                              self._json(languages), remarks, principal_id, site_number, suffix, status,
                              access_limited, without_access, site_when, site_when))
            for k, (unicode_name, ascii_name) in enumerate(domains):
                domain_rows.add((self._next("domain"), website_id, unicode_name, ascii_name, status, k))
            # Access of this provider: single IPs mostly, sometimes a small range, sometimes two.
            access_id = self._next("access")
            ranges = []
            for _ in range(2 if r() < 0.05 else 1):
                a, b = rd.IP_BLOCKS[int(r() * len(rd.IP_BLOCKS))]
                c, d = int(r() * 256), 1 + int(r() * 240)
                end = d + 1 + int(r() * 14) if r() < 0.1 else d
                ranges.append({"start": f"{a}.{b}.{c}.{d}", "end": f"{a}.{b}.{c}.{end}"})
            method = ACCESS_METHODS[bisect.bisect_right(self.method_cum, r() * self.method_cum[-1])][0]
            region = rd.SERVER_REGIONS[bisect.bisect_right(self.region_cum, r() * self.region_cum[-1])][0]
            access_status = "cancelled" if site_cancelled or without_access else "active"
            ranges_json = ", ".join(f'{{"start": "{x["start"]}", "end": "{x["end"]}"}}' for x in ranges)
            access_rows.add((access_id, website_id, provider_id, method, region, f"[{ranges_json}]", access_status,
                             site_when))
            pre = []
            if shape.pre[j]:
                kind, pattern = rd.PRE_APPROVALS[int(r() * len(rd.PRE_APPROVALS))]
                doc = pattern.format(abbr=province.abbr, year=time.gmtime(site_ts).tm_year,
                                     n=100 + int(r() * 9900))
                tables["pre_approval"].add((self._next("pre_approval"), website_id, kind, doc, status))
                pre.append({"type": kind, "number": doc})
            if not site_cancelled:
                active_sites += 1
            site_state = {"key": str(website_id), "id": website_id, "name": site_name, "home_url": home_url,
                          "service_content": service, "languages": languages,
                          "domains": [u for u, _ in domains],
                          "principal": self._state_principal(person, email, emergency),
                          "access": [{"key": str(access_id), "id": access_id, "provider": provider_name,
                                      "method": method, "region": region, "ip_ranges": ranges}],
                          "number": site_number, "status": status, "access_limited": access_limited}
            if remarks:
                site_state["remarks"] = remarks
            if pre:
                site_state["pre_approvals"] = pre
            if access_status == "cancelled":
                site_state["access"] = []
            websites_state.append(site_state)

        principal_id = self._principal_row("entity", owner, owner_email, emergency)
        status = "cancelled" if entity_cancelled else "active"
        empty_shell = not entity_cancelled and active_sites == 0
        remarks = f"{MARK}{self.seed}:{index}:{self.as_of:%Y%m%d} 基准测试生成数据"
        n_sites = len(shape.dates)
        when, updated = self._fmt(approved), self._fmt(shape.dates[-1])
        tables["entity"].add((entity_id, self.null, entity_type, name, certificate_type, certificate_number,
                              province.id, city, district, certificate_address, communication_address,
                              superior_unit, remarks, principal_id, number, n_sites, status, empty_shell, 1,
                              when, when, updated))
        snapshot = {"entity": {"type": entity_type, "name": name, "certificate_type": certificate_type,
                               "certificate_number": certificate_number, "province": province.code, "city": city,
                               "district": district, "certificate_address": certificate_address,
                               "communication_address": communication_address, "superior_unit": superior_unit,
                               "remarks": remarks, "principal": self._state_principal(owner, owner_email, emergency),
                               "number": number, "status": status},
                    "websites": websites_state}
        snapshot_json = json.dumps(snapshot, ensure_ascii=False)
        if self.null is not None and "\\" in snapshot_json:  # COPY text: a backslash escapes
            snapshot_json = snapshot_json.replace("\\", "\\\\")
        tables["version"].add((self._next("version"), entity_id, 1, snapshot_json, CREATION_DIFF, self.null,
                               self.null, updated))


# ---------------------------------------------------------------- database plumbing


def _max_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(model._meta.db_table)}")
        return cursor.fetchone()[0] or 0


def generated_state() -> tuple[int, int, dt.date] | None:
    """``(seed, highest index, as_of)`` of the last generated entity, or None when there is none."""
    remarks = (Entity.objects.filter(remarks__startswith=MARK).order_by("-id")
               .values_list("remarks", flat=True).first())
    if not remarks:
        return None
    m = MARK_RE.match(remarks)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), dt.datetime.strptime(m.group(3), "%Y%m%d").date()


def database_bytes() -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
    name = str(connection.settings_dict["NAME"])
    if not Path(name).is_file():  # in-memory (the test database): pages in use
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            return pages * cursor.fetchone()[0]
    return sum(Path(name + s).stat().st_size for s in ("", "-wal", "-shm") if Path(name + s).is_file())


def _data_directory() -> Path | None:
    if connection.vendor == "postgresql":
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
                row = cursor.fetchone()
        except Exception:  # noqa: BLE001 - no permission to read the setting: fall back to no check
            return None
        host = connection.settings_dict.get("HOST") or "localhost"
        if row and row[0] and host in {"localhost", "127.0.0.1", "::1", ""} and Path(row[0]).exists():
            return Path(row[0])
        return None
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        return None
    return Path(name).resolve().parent


def check_disk(entities: int) -> str:
    """Refuse (GeneratorError) when the database's disk has less room than ``entities`` need, with head-room."""
    directory = _data_directory()
    if directory is None or entities <= 0:
        return "disk check skipped (database directory not visible from here)"
    need = int(entities * BYTES_PER_ENTITY.get(connection.vendor, 4500) * DISK_HEADROOM)
    free = shutil.disk_usage(directory).free
    if free < need:
        raise GeneratorError(f"not enough disk at {directory}: {entities:,} entities need about "
                             f"{need / 2**30:.1f} GiB, {free / 2**30:.1f} GiB free. Use fewer entities or free space.")
    return f"disk: {entities:,} entities need about {need / 2**30:.1f} GiB, {free / 2**30:.1f} GiB free"


def _unapplied_migrations() -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _ in plan]


def _sqlite_pragmas(load: bool) -> None:
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if load:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1048576")  # 1 GiB page cache for the index b-trees
            cursor.execute("PRAGMA temp_store=MEMORY")
        else:
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")


LOADED_MODELS = [Principal, Entity, Website, Domain, Access, PreApproval, RegistryVersion]


def _reset_sequences() -> None:
    """PostgreSQL: move the identity sequences past the ids the generator assigned itself."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), LOADED_MODELS):
            cursor.execute(sql)


def _analyze_postgres() -> None:
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in LOADED_MODELS:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def row_counts() -> dict[str, int]:
    out = {}
    for model in (Entity, Principal, Website, Domain, Access, PreApproval, RegistryVersion, NumberSeries):
        out[model._meta.model_name] = model.objects.count()
    return out


# ---------------------------------------------------------------- validation


def validate_entity(entity: Entity) -> list[str]:
    """Check one generated entity through the models and by recomputing every check digit."""
    from django.core.exceptions import ValidationError

    from beian.core.state import FilingState

    problems: list[str] = []
    tag = f"entity {entity.pk}"

    def clean(obj, what):
        try:
            obj.full_clean()
        except ValidationError as exc:
            problems.append(f"{tag} {what}: full_clean: {exc.message_dict}")

    clean(entity, "entity")
    clean(entity.principal, "principal")
    cert = entity.certificate_number
    if entity.entity_type == "企业":
        if not rd.uscc_is_valid(cert):
            problems.append(f"{tag}: USCC {cert} fails a check digit")
        if cert[2:4] != entity.province.code[:2]:
            problems.append(f"{tag}: USCC {cert} division code outside {entity.province.code}")
    elif not rd.ric_is_valid(cert):
        problems.append(f"{tag}: resident ID {cert} fails the check digit")
    for number in (entity.principal.certificate_number,):
        if not rd.ric_is_valid(number):
            problems.append(f"{tag}: principal ID {number} fails the check digit")
        else:
            birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            if not 1900 < birth.year <= entity.approved_at.year - 16:
                problems.append(f"{tag}: principal born {birth} too late for approval {entity.approved_at:%Y}")
    if not MOBILE_RE.match(entity.principal.mobile):
        problems.append(f"{tag}: mobile {entity.principal.mobile}")
    m = ENTITY_NUMBER_RE.match(entity.number or "")
    if not m or m.group("abbr") != entity.province.abbr:
        problems.append(f"{tag}: entity number {entity.number!r} malformed or wrong province")
    else:
        year = int(m.group("y4")) if m.group("y4") else 2000 + int(m.group("y2"))
        serial = int(m.group("s4") or m.group("s2"))
        approved_year = entity.approved_at.astimezone(dt.timezone(dt.timedelta(hours=8))).year
        if year != approved_year or (m.group("y2") and year >= 2020):
            problems.append(f"{tag}: number {entity.number} does not match approval year {approved_year}")
        series = NumberSeries.objects.filter(province=entity.province, year=year).first()
        if series is None or series.last_serial < serial:
            problems.append(f"{tag}: NumberSeries behind serial {serial} of {entity.number}")
    websites = list(entity.websites.all())
    suffixes = [w.suffix for w in websites]
    if len(set(suffixes)) != len(suffixes) or max(suffixes, default=0) != entity.website_suffix_high:
        problems.append(f"{tag}: website suffixes {suffixes} vs high {entity.website_suffix_high}")
    active_sites = 0
    for website in websites:
        clean(website, f"website {website.pk}")
        clean(website.principal, f"website {website.pk} principal")
        if website.number != f"{entity.number}-{website.suffix}":
            problems.append(f"{tag}: website number {website.number}")
        if entity.status == "cancelled" and website.status != "cancelled":
            problems.append(f"{tag}: active website {website.pk} under a cancelled entity")
        active_sites += website.status == "active"
        for domain in website.domains.all():
            clean(domain, f"domain {domain.pk}")
            if domain.ascii != idna.encode(domain.name).decode("ascii"):
                problems.append(f"{tag}: domain {domain.name} ascii {domain.ascii}")
            if website.status == "cancelled" and domain.status != "cancelled":
                problems.append(f"{tag}: active domain {domain.name} of a cancelled website")
        for access in website.access.all():
            clean(access, f"access {access.pk}")
        for pre in website.pre_approvals.all():
            clean(pre, f"pre-approval {pre.pk}")
    if entity.empty_shell != (entity.status == "active" and active_sites == 0):
        problems.append(f"{tag}: empty_shell {entity.empty_shell} with {active_sites} active websites")
    versions = list(entity.versions.all())
    if len(versions) != 1 or versions[0].version != entity.version:
        problems.append(f"{tag}: {len(versions)} registry versions")
    else:
        clean(versions[0], "version")
        try:
            state = FilingState.model_validate(versions[0].snapshot)
        except Exception as exc:  # noqa: BLE001 - any pydantic error is a finding
            problems.append(f"{tag}: snapshot is not a FilingState: {exc}")
        else:
            if state.entity.number != entity.number or len(state.websites) != len(websites):
                problems.append(f"{tag}: snapshot disagrees with the rows")
    return problems


def validate_sample(*, size: int = 200, seed: int = 0) -> tuple[int, list[str]]:
    """Validate ``size`` random generated entities; returns (checked, problems)."""
    generated = Entity.objects.filter(remarks__startswith=MARK)
    first = generated.order_by("id").values_list("id", flat=True).first()
    last = generated.order_by("-id").values_list("id", flat=True).first()
    if first is None:
        return 0, []
    rng = random.Random(seed)
    ids = sorted({rng.randint(first, last) for _ in range(size * 2)})[: size * 2]
    rng.shuffle(ids)
    entities = Entity.objects.select_related("principal", "province").in_bulk(ids[:size])
    problems: list[str] = []
    for entity in entities.values():
        problems += validate_entity(entity)
    return len(entities), problems


# ---------------------------------------------------------------- the run's own state

STATE_TABLE = "bench_generator_state"


def _state_get(name: str):
    """A value the generator keeps in its own table (run parameters, dropped definitions), or None."""
    if STATE_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {STATE_TABLE} WHERE name = %s", [name])
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _state_set(name: str, value) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (name varchar(40) PRIMARY KEY, value text NOT NULL)")
        cursor.execute(f"DELETE FROM {STATE_TABLE} WHERE name = %s", [name])
        cursor.execute(f"INSERT INTO {STATE_TABLE} (name, value) VALUES (%s, %s)", [name, json.dumps(value)])


def _state_delete(name: str) -> None:
    if STATE_TABLE in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {STATE_TABLE} WHERE name = %s", [name])


# ---------------------------------------------------------------- indexes and constraints (PostgreSQL)


def _loaded_tables() -> list[str]:
    return [m._meta.db_table for m in LOADED_MODELS]


def registry_schema() -> set[tuple[str, str, str]]:
    """Every index and constraint definition of the loaded tables: what a load must leave as it found."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'index', tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) UNION ALL "
            "SELECT 'constraint', conrelid::regclass::text, conname || ' ' || pg_get_constraintdef(oid) "
            "|| CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[])", [_loaded_tables(), _loaded_tables()])
        return set(cursor.fetchall())


def secondary_definitions() -> list[dict]:
    """What a big load drops: the loaded tables' indexes other than primary keys, their unique, exclusion and
    foreign-key constraints (CHECK and NOT NULL stay: they cost little per row and re-adding them scans the
    table). A unique constraint another table's foreign key depends on stays too. Read from the catalogue, so
    whatever the migrations defined is re-created exactly."""
    tables = _loaded_tables()
    items = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid), c.condeferrable, "
            "CASE WHEN c.contype = 'u' THEN pg_get_indexdef(c.conindid) END, pg_relation_size(c.conrelid) "
            "FROM pg_constraint c WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u', 'x') "
            "AND NOT (c.contype = 'u' AND EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' "
            "AND f.conindid = c.conindid)) ORDER BY 1, 2", [tables])
        for table, name, kind, definition, deferrable, index_sql, size in cursor.fetchall():
            if kind == "u" and not deferrable and definition.startswith("UNIQUE (") and " WHERE " not in index_sql:
                items.append({"kind": "unique", "table": table, "name": name, "sql": definition,
                              "index_sql": index_sql, "size": size, "gin": False})
            else:
                items.append({"kind": "foreign" if kind == "f" else "constraint", "table": table, "name": name,
                              "sql": definition, "size": size})
        cursor.execute(
            "SELECT t.relname, i.relname, pg_get_indexdef(i.oid), am.amname = 'gin', pg_relation_size(t.oid) "
            "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "JOIN pg_am am ON am.oid = i.relam WHERE x.indrelid = ANY(%s::regclass[]) AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid "
            "AND c.conrelid = x.indrelid) ORDER BY 1, 2", [tables])
        for table, name, index_sql, gin, size in cursor.fetchall():
            items.append({"kind": "index", "table": table, "name": name, "index_sql": index_sql, "size": size,
                          "gin": gin})
    return items


def drop_secondary(say) -> list[dict]:
    """Drop what :func:`secondary_definitions` lists, after saving the definitions in the state table (a run
    that dies before re-creating them leaves them there for ``--resume``); returns the definitions."""
    qn = connection.ops.quote_name
    saved = _state_get("dropped") or []
    current = secondary_definitions()
    known = {(item["table"], item["name"]) for item in saved}
    items = saved + [item for item in current if (item["table"], item["name"]) not in known]
    present = {(item["table"], item["name"]) for item in current}
    with transaction.atomic(), connection.cursor() as cursor:
        _state_set("dropped", items)
        for kind in ("foreign", "constraint", "unique", "index"):
            for item in items:
                if item["kind"] != kind or (item["table"], item["name"]) not in present:
                    continue
                if kind == "index":
                    cursor.execute(f"DROP INDEX {qn(item['name'])}")
                else:
                    cursor.execute(f"ALTER TABLE {qn(item['table'])} DROP CONSTRAINT {qn(item['name'])}")
    say(f"dropped {len(present)} indexes and constraints of the registry tables for the load")
    return items


def _run_statements(groups: list[list[str]], *, sessions: int, say) -> None:
    """Run each group of statements in order; groups in parallel on ``sessions`` connections of their own
    (one session, the current connection, inside a transaction — as in the tests)."""
    settings = [f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'",
                f"SET max_parallel_maintenance_workers = {PARALLEL_MAINTENANCE_WORKERS}"]

    def run(cursor, group):
        for sql in group:
            started = time.monotonic()
            cursor.execute(sql)
            say(f"  {time.monotonic() - started:7.1f} s  {sql[:110]}")

    if sessions <= 1 or connection.in_atomic_block:
        with connection.cursor() as cursor:
            for sql in settings:
                cursor.execute(sql)
            for group in groups:
                run(cursor, group)
        return
    import queue
    import threading

    todo: queue.Queue = queue.Queue()
    for group in groups:
        todo.put(group)
    errors: list[BaseException] = []

    def worker():
        conn = connection.get_new_connection(connection.get_connection_params())
        try:
            conn.autocommit = True
            with conn.cursor() as cursor:
                for sql in settings:
                    cursor.execute(sql)
                while not errors:
                    try:
                        group = todo.get_nowait()
                    except queue.Empty:
                        return
                    run(cursor, group)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(min(sessions, len(groups)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def restore_secondary(*, sessions: int, say) -> None:
    """Re-create what :func:`drop_secondary` dropped: indexes (the biggest first, ``sessions`` at a time),
    unique constraints on their new indexes, foreign keys added NOT VALID and then validated per table in
    parallel; finally ANALYZE. Whatever exists already (a re-run after an interruption) is skipped."""
    items = _state_get("dropped")
    if not items:
        return
    qn = connection.ops.quote_name
    tables = _loaded_tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'i' "
                       "AND relnamespace = current_schema()::regnamespace")
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT conrelid::regclass::text, conname FROM pg_constraint "
                       "WHERE conrelid = ANY(%s::regclass[])", [tables])
        constraints = set(cursor.fetchall())
    builds = sorted((item for item in items if item["kind"] in ("index", "unique") and item["name"] not in indexes),
                    key=lambda item: (not item["gin"], -item["size"]))
    started = time.monotonic()
    say(f"re-creating {len(builds)} indexes on {sessions} sessions …")
    _run_statements([[item["index_sql"]] for item in builds], sessions=sessions, say=say)
    foreign: dict[str, list[str]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for item in items:
            if (item["table"], item["name"]) in constraints:
                continue
            prefix = f"ALTER TABLE {qn(item['table'])} ADD CONSTRAINT {qn(item['name'])}"
            if item["kind"] == "unique":
                cursor.execute(f"{prefix} UNIQUE USING INDEX {qn(item['name'])}")
            elif item["kind"] == "constraint":
                cursor.execute(f"{prefix} {item['sql']}")
            elif item["kind"] == "foreign":
                cursor.execute(f"{prefix} {item['sql']} NOT VALID")
        for item in items:
            if item["kind"] == "foreign":
                foreign.setdefault(item["table"], []).append(
                    f"ALTER TABLE {qn(item['table'])} VALIDATE CONSTRAINT {qn(item['name'])}")
    _run_statements(sorted(foreign.values(), key=len, reverse=True), sessions=sessions, say=say)
    _state_delete("dropped")
    say(f"indexes and constraints re-created in {time.monotonic() - started:,.1f} s")


# ---------------------------------------------------------------- ranges, planning and workers


def _present_ranges(base: int, entities: int) -> list[tuple[int, int]]:
    """Index ranges ``[start, stop)`` below ``entities`` whose entities exist (ids are ``base + 1 + index``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(id), MAX(id) FROM (SELECT id, id - ROW_NUMBER() OVER (ORDER BY id) AS grp "
            f"FROM {Entity._meta.db_table} WHERE id > %s AND id <= %s) s GROUP BY grp ORDER BY 1",
            [base, base + entities])
        return [(low - base - 1, high - base) for low, high in cursor.fetchall()]


def _split(ranges: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    return [(a, min(stop, a + size)) for start, stop in ranges for a in range(start, stop, size)]


_WORKER: dict = {}  # set in the parent before the worker processes are forked


def _plan_task(segment: tuple[int, int]):
    return _WORKER["gen"].plan(*segment)


def _series_upsert(series: dict[tuple[int, int], int]) -> None:
    """NumberSeries.last_serial = the highest serial issued, whichever range commits first."""
    if not series:
        return
    table = NumberSeries._meta.db_table
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    keys = sorted(series)
    values = ", ".join(["(%s, %s, %s)"] * len(keys))
    params = [x for key in keys for x in (key[0], key[1], series[key])]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (province_id, year, last_serial) VALUES {values} "
                       f"ON CONFLICT (province_id, year) DO UPDATE SET last_serial = "
                       f"{greatest}({table}.last_serial, EXCLUDED.last_serial)", params)


def _load_task(unit) -> int:
    """Generate entities ``[start, stop)`` with the ids and serials the plan gave them; COPY them in one
    transaction together with their NumberSeries update."""
    start, stop, ids, series = unit
    gen, tables = _WORKER["gen"], _WORKER["tables"]
    if connection.vendor == "postgresql" and not _WORKER.get("session_set"):
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
        _WORKER["session_set"] = not connection.in_atomic_block
    gen.begin(ids=ids, series=series, tables=tables)
    try:
        for index in range(start, stop):
            gen.entity(index)
        with transaction.atomic():
            for name in TABLE_ORDER:
                tables[name].flush()
            _series_upsert({key: gen.series[key] for key in series})
    finally:
        for table in tables.values():
            table.rows = []
    return stop - start


# ---------------------------------------------------------------- the run

MAINTENANCE_WORK_MEM = "1GB"
PARALLEL_MAINTENANCE_WORKERS = 1
DROP_INDEXES_FROM = 100_000  # "auto": drop when loading at least this many entities and more than exist


def generate(*, entities: int, seed: int = 1, batch_size: int = 20000, resume: bool = False,
             as_of: dt.date | None = None, disk_check: bool = True, sample: int = 200,
             progress=None, processes: int | None = None, indexes: str = "auto") -> Report:
    """Generate until ``entities`` generated entities exist; returns a :class:`Report`.

    ``resume`` continues a run (same seed and as-of date required), generating the index ranges that are not
    there yet; without it the registry must not hold generated entities yet. ``processes``: worker processes
    (PostgreSQL outside a transaction; default the number of CPUs there, else 1). ``indexes``: ``drop`` the
    registry tables' secondary indexes and constraints for the load and re-create them afterwards, ``keep``
    them, or ``auto`` (PostgreSQL, at least 100,000 entities to load and more than the registry holds).
    ``progress`` is called with a line of text per batch.
    """
    if entities < 0 or batch_size < 1:
        raise GeneratorError("--entities must be ≥ 0 and --batch-size ≥ 1")
    if indexes not in ("auto", "drop", "keep"):
        raise GeneratorError("--indexes must be auto, drop or keep")
    say = progress or (lambda _line: None)
    started = time.monotonic()
    postgres = connection.vendor == "postgresql"
    if processes is None:
        processes = (os.cpu_count() or 1) if postgres and not connection.in_atomic_block else 1
    if processes > 1 and not postgres:
        processes = 1  # SQLite has one writer: generate and write in this process
    if processes > 1 and connection.in_atomic_block:
        raise GeneratorError("--processes > 1 needs the connection in autocommit mode (not inside a transaction)")
    models = {"principal": Principal, "entity": Entity, "website": Website, "domain": Domain, "access": Access,
              "pre_approval": PreApproval, "version": RegistryVersion}
    existing = generated_state()
    run = _state_get("run")
    if existing is not None:
        old_seed, old_index, old_as_of = existing
        if not resume:
            raise GeneratorError(f"the registry already holds generated entities (seed {old_seed}, up to index "
                                 f"{old_index}); pass --resume to continue, or use an empty database")
        if old_seed != seed:
            raise GeneratorError(f"--resume with seed {seed}, but the registry was generated with seed {old_seed}")
        if as_of is not None and as_of != old_as_of:
            raise GeneratorError(f"--resume with as-of {as_of}, but the registry was generated as of {old_as_of}")
        as_of = old_as_of
        if not run or run["seed"] != seed or run["as_of"] != as_of.isoformat():
            raise GeneratorError("the registry's generated entities come from an older version of the generator "
                                 f"(no {STATE_TABLE} row): generate into an empty database")
    else:
        if as_of is None:
            as_of = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date()
        run = {"seed": seed, "as_of": as_of.isoformat(),
               "bases": {name: _max_id(model) for name, model in models.items()},
               "series": [[s.province_id, s.year, s.last_serial] for s in NumberSeries.objects.all()]}
    bases = run["bases"]
    present = _present_ranges(bases["entity"], entities) if existing is not None else []
    missing, cursor_index = [], 0
    for start, stop in present + [(entities, entities)]:
        if start > cursor_index:
            missing.append((cursor_index, start))
        cursor_index = max(cursor_index, stop)
    todo = sum(stop - start for start, stop in missing)
    if disk_check:
        say(check_disk(todo))
    provider = AccessProvider.objects.filter(is_self=True).order_by("id").first()
    if provider is None:
        raise GeneratorError("no AccessProvider with is_self=True: run manage.py migrate first")
    gen = Generator(seed=seed, as_of=as_of, provinces=list(Province.objects.all()), provider=provider,
                    tz_suffix="+00" if postgres else "", copy_text=postgres,
                    series_start={(p, y): last for p, y, last in run["series"]})
    if existing is None and todo:
        _state_set("run", run)
    tables = _tables()
    units = _split(missing, batch_size)
    segments = sorted(units + _split(present, batch_size))
    drop = postgres and todo > 0 and (indexes == "drop" or (
        indexes == "auto" and todo >= DROP_INDEXES_FROM and todo > Entity.objects.count()))
    restore = postgres and (drop or bool(_state_get("dropped")))
    _WORKER.clear()
    _WORKER.update(gen=gen, tables=tables)
    pool = None
    _sqlite_pragmas(load=True)
    done = 0
    try:
        if processes > 1 and units:
            import multiprocessing

            connections.close_all()  # the workers open their own
            pool = multiprocessing.get_context("fork").Pool(processes)
            plans = pool.map(_plan_task, segments, chunksize=1)
        else:
            plans = [_plan_task(segment) for segment in segments]
        # Ids and serials of each unit: what the entities before it used, in index order.
        next_ids = {name: bases[name] + 1 for name in TABLE_ORDER}
        last_serial: dict[tuple[int, int], int] = {}
        unit_set, work = set(units), []
        for segment, (counts, gaps) in zip(segments, plans, strict=True):
            for key in gaps:
                if key not in last_serial:
                    last_serial[key] = gen.first_serial(key)
            if segment in unit_set:
                work.append((segment[0], segment[1], dict(next_ids), {key: last_serial[key] for key in gaps}))
            for name, count in zip(TABLE_ORDER, counts, strict=True):
                next_ids[name] += count
            for key, gap in gaps.items():
                last_serial[key] += gap
        full = [key for key, value in last_serial.items() if value > 999_999]
        if full:
            raise GeneratorError(f"serials of {len(full)} province/year series would pass 999999 "
                                 f"(e.g. province {full[0][0]} in {full[0][1]}): generate fewer entities")
        if postgres and work:
            _reserve_ids(next_ids)
        if drop:
            drop_secondary(say)
        say(f"loading {todo:,} entities in {len(work)} batches on {processes} process(es)")
        results = pool.imap_unordered(_load_task, work) if pool else (_load_task(unit) for unit in work)
        for count in results:
            done += count
            elapsed = time.monotonic() - started
            rate = done / elapsed if elapsed else 0
            eta = (todo - done) / rate if rate else 0
            say(f"{done:>10,}/{todo:,} entities  {rate:,.0f}/s  elapsed {elapsed:,.0f} s  ETA {eta:,.0f} s")
    finally:
        if pool is not None:
            if done < todo:
                pool.terminate()
            else:
                pool.close()
            pool.join()
        _WORKER.clear()
        _sqlite_pragmas(load=False)
    loaded = time.monotonic() - started
    _reset_sequences()
    if restore:
        restore_secondary(sessions=max(processes, 1), say=say)
    _analyze_postgres()
    report = Report(generated=done, total_generated=sum(stop - start for start, stop in present) + done,
                    db_vendor=connection.vendor, load_seconds=loaded)
    report.seconds = time.monotonic() - started
    if sample:
        report.sample_checked, report.problems = validate_sample(size=sample, seed=seed)
    report.rows = row_counts()
    report.db_bytes = database_bytes()
    return report


def _reserve_ids(next_ids: dict[str, int]) -> None:
    """PostgreSQL: move the identity sequences past the ids the plan gives out, before loading them."""
    names = {"principal": Principal, "entity": Entity, "website": Website, "domain": Domain, "access": Access,
             "pre_approval": PreApproval, "version": RegistryVersion}
    with connection.cursor() as cursor:
        for name, model in names.items():
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"GREATEST(%s, (SELECT COALESCE(MAX(id), 1) FROM {table})))", [next_ids[name] - 1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, required=True, help="number of generated entities to reach")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=20000, help="entities per transaction (default 20000)")
    parser.add_argument("--resume", action="store_true", help="continue after the highest generated entity")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                        help="the generation's 'today' (YYYY-MM-DD, default: today in CST; kept on --resume)")
    parser.add_argument("--processes", type=int, default=None,
                        help="worker processes (default: the number of CPUs on PostgreSQL, 1 on SQLite)")
    parser.add_argument("--indexes", choices=["auto", "drop", "keep"], default="auto",
                        help="drop the registry tables' secondary indexes and constraints for the load and "
                             "re-create them afterwards (auto: PostgreSQL, ≥ 100,000 new entities, more than exist)")
    parser.add_argument("--sample", type=int, default=200, help="entities to validate afterwards (0: none)")
    parser.add_argument("--no-disk-check", action="store_true")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    pending = _unapplied_migrations()
    if pending:
        print(f"error: {len(pending)} migrations not applied (e.g. {pending[0]}): run manage.py migrate first",
              file=sys.stderr)
        return 2
    progress = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    try:
        report = generate(entities=args.entities, seed=args.seed, batch_size=args.batch_size, resume=args.resume,
                          as_of=args.as_of, disk_check=not args.no_disk_check, sample=args.sample,
                          progress=progress, processes=args.processes, indexes=args.indexes)
    except GeneratorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        state = generated_state()
        done = state[1] + 1 if state else 0
        print(f"interrupted: {done:,} generated entities are committed; run again with --resume to continue",
              file=sys.stderr)
        return 130
    print("\n".join(report.lines()))
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
