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
from django.db import connection, transaction

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
    rows: dict[str, int] = field(default_factory=dict)
    db_bytes: int = 0
    db_vendor: str = ""
    sample_checked: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"database: {self.db_vendor}, {self.db_bytes / 2**20:,.1f} MiB",
               f"generated this run: {self.generated:,} entities in {self.seconds:,.1f} s"
               f" ({self.generated / self.seconds if self.seconds else 0:,.0f}/s); generated in total: "
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
        self.extras = tuple(extras)
        self.columns = columns
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in columns)
        self.insert_sql = f"INSERT INTO {qn(self.name)} ({cols}) VALUES ({', '.join('?' * len(columns))})"
        self.copy_sql = f"COPY {qn(self.name)} ({cols}) FROM STDIN"
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.extras if self.extras else row)

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        if connection.vendor == "postgresql":
            with connection.cursor() as wrapper, wrapper.cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
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


class Generator:
    """Builds the rows of entity ``index`` from ``Random((seed, index))``; filing serials continue in order."""

    def __init__(self, *, seed: int, as_of: dt.date, provinces: list[Province], provider: AccessProvider,
                 series: dict[tuple[int, int], int], next_ids: dict[str, int], tz_suffix: str):
        self.seed, self.as_of, self.series, self.next_ids, self.tz = seed, as_of, series, next_ids, tz_suffix
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
        # Unique spaces: resident IDs of individual entities, organisation codes, mobiles.
        self.birth_first = dt.date(1955, 1, 1).toordinal()
        birth_days = dt.date(as_of.year - 20, 12, 31).toordinal() - self.birth_first + 1
        self.perm_ric = _Perm(birth_days * 1000, seed * 7919)
        self.perm_org_digits = _Perm(10**8, seed * 104729)
        self.perm_org_ma = _Perm(31**6, seed * 1299709)
        self.perm_mobile = _Perm(10**8, seed * 15485863)
        self.address_windows: dict[str, list[tuple[int, int]]] = {}

    # -- small builders

    def _ts(self, year: int) -> int:
        """A working-hours moment in ``year`` (CST), as UTC epoch seconds, not after ``as_of``."""
        rng = self.rng
        start = calendar.timegm((year, 1, 1, 0, 0, 0)) - CST_OFFSET
        end = min(calendar.timegm((year + 1, 1, 1, 0, 0, 0)) - CST_OFFSET, self.as_of_ts)
        day0 = start - (start + CST_OFFSET) % 86400
        days = max(1, (end - day0) // 86400)
        ts = day0 + rng.randrange(days) * 86400 + rng.randint(9 * 3600, 18 * 3600)
        return ts

    def _fmt(self, ts: int) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts)) + self.tz

    def _address_code(self, candidates: list[str], year: int) -> str:
        """The first candidate that was a valid ID address code in ``year``."""
        for code in candidates:
            windows = self.address_windows.get(code)
            if windows is None:
                windows = self.address_windows[code] = rd.address_code_windows(code)
            if any(start <= year <= end for start, end in windows):
                return code
        return rd.ADDRESS_LAST_RESORT

    def _mobile(self, index: int, slot: int) -> str:
        """A mobile unique to (entity index, slot): slot 0 entity principal, 1–6 websites, 7 emergency."""
        return f"{self.rng.choice(rd.MOBILE_PREFIXES)}{self.perm_mobile(index * 8 + slot):08d}"

    def _person(self, *, index: int, slot: int, addresses: list[str], approved: int,
                unique_birth: int | None = None) -> dict:
        """A person with a valid resident ID; ``unique_birth`` (from the bijection) makes the ID unique."""
        rng = self.rng
        approved_day = dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + (approved + CST_OFFSET) // 86400)
        if unique_birth is None:
            latest = _add_years(approved_day, -20).toordinal()
            birth = rng.randint(self.birth_first, max(self.birth_first, latest))
            seq = rng.randrange(1000)
        else:
            birth, seq = self.birth_first + unique_birth // 1000, unique_birth % 1000
        birth_day = dt.date.fromordinal(birth)
        male = seq % 2 == 1
        surname, surname_py = _pick(rng, rd.SURNAMES, self.surname_cum)
        pool = rd.GIVEN_MALE if male else rd.GIVEN_FEMALE
        given = [rng.choice(pool) for _ in range(1 if rng.random() < 0.35 else 2)]
        name = surname + "".join(c for c, _ in given)
        pinyin = surname_py + "".join(p for _, p in given)
        address = self._address_code(addresses, birth_day.year)
        number = rd.make_ric(address=address, birth=birth_day.strftime("%Y%m%d"), sequence=seq)
        # ID card: issued at 16 or later, within the 10 years before approval; 10/20 years or long-term.
        earliest = max(_add_years(birth_day, 16).toordinal(), approved_day.toordinal() - 3650)
        issued = dt.date.fromordinal(rng.randint(min(earliest, approved_day.toordinal()), approved_day.toordinal()))
        age = issued.year - birth_day.year
        valid_to = None if age >= 46 else _add_years(issued, 10 if age < 26 else 20)
        mobile = self._mobile(index, slot)
        return {"name": name, "pinyin": pinyin, "given": "".join(c for c, _ in given), "number": number,
                "valid_from": issued.isoformat(), "valid_to": valid_to.isoformat() if valid_to else None,
                "mobile": mobile, "birth": birth_day}

    def _principal_row(self, role: str, person: dict, email: str, emergency: str) -> int:
        pid = self._next("principal")
        self.tables["principal"].add((pid, role, person["name"], "居民身份证", person["number"], person["valid_from"],
                                      person["valid_to"], person["mobile"], emergency, email))
        return pid

    def _next(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def _serial(self, province_id: int, year: int) -> int:
        key = (province_id, year)
        last = self.series.get(key)
        if last is None:
            # This provider holds a share of a province's numbers: a new series starts at a seeded offset.
            last = random.Random(f"{self.seed}:{province_id}:{year}").randint(1_000, 60_000)
        serial = last + self.rng.randint(1, 6)
        if serial > 999_999:
            serial = last + 1
            if serial > 999_999:
                raise GeneratorError(f"serials for province {province_id} in {year} are exhausted")
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

    def entity(self, index: int, tables: dict[str, _Table]) -> None:
        self.tables = tables
        rng = self.rng
        rng.seed(self.seed * 10_000_000_000 + index)
        province = _pick(rng, self.provinces, self.province_cum)
        cities = rd.DIVISIONS[province.code]
        city_short, city, city_code, _, districts = _pick(rng, cities, self.city_cum[province.code])
        district, district_code = rng.choice(districts) if districts else ("", city_code)
        individual = rng.random() < INDIVIDUAL_SHARE
        year = _pick(rng, self.years, self.year_cum)

        unique_birth = self.perm_ric(index) if individual else None
        if individual:
            birth_year = dt.date.fromordinal(self.birth_first + unique_birth // 1000).year
            if year < birth_year + 19:
                year = rng.randint(min(birth_year + 19, self.as_of.year), self.as_of.year)
        approved = self._ts(year)
        addresses = [district_code, city_code, province.code, *rd.ADDRESS_FALLBACKS.get(province.code, [])]
        owner = self._person(index=index, slot=0, addresses=addresses,
                             approved=approved, unique_birth=unique_birth)
        emergency = self._mobile(index, 7)
        road = rng.choice(rd.ROADS)
        street = f"{road}{rng.randint(1, 999)}号"
        prefix = city if province.code in rd.MUNICIPALITIES else province.name + city
        certificate_address = f"{prefix}{district}{street}"

        if individual:
            entity_type, certificate_type, certificate_number = "个人", "居民身份证", owner["number"]
            name = owner["name"]
            trade = industry = None
            flat = f"{rng.randint(1, 30)}幢{rng.randint(1, 30)}0{rng.randint(1, 4)}室"
            communication_address = f"{district}{street}{flat}"
            superior_unit = name
            n_sites = 1 + bisect.bisect_right(self.ind_sites_cum, rng.random())
        else:
            entity_type, certificate_type = "企业", "营业执照（个人或企业）"
            trade_chars = rng.sample(rd.TRADE_CHARS, 2)
            trade = "".join(c for c, _ in trade_chars)
            trade_py = "".join(p for _, p in trade_chars)
            industry = rng.choice(rd.INDUSTRIES)
            sole_trader = rng.random() < 0.08
            if sole_trader:
                name = f"{city}{district}{trade}{industry[0]}工作室"
                category = "2"
            else:
                suffix = _pick(rng, rd.COMPANY_SUFFIXES, self.suffix_cum)[0]
                name = f"{city_short}{trade}{industry[0]}{suffix}"
                category = "1"
            if year >= 2016 and rng.random() < 0.7:
                body = "MA" + _to_base(self.perm_org_ma(index), rd.USCC_ALPHABET, 6)
            else:
                body = f"{self.perm_org_digits(index):08d}"
            certificate_number = rd.make_uscc(authority="9", category=category, division=district_code,
                                              org_body=body)
            communication_address = f"{district}{street}{rng.randint(1, 30)}楼"
            superior_unit = name if rng.random() < 0.5 else owner["name"]
            n_sites = 1 + bisect.bisect_right(self.ent_sites_cum, rng.random())
        n_sites = min(n_sites, MAX_WEBSITES)

        serial = self._serial(province.id, year)
        number = rd.entity_number(province.abbr, year, serial)
        entity_id = self._next("entity")
        entity_cancelled = rng.random() < CANCELLED_ENTITY_SHARE

        # Websites, approved in order from the entity's approval to as_of.
        dates = [approved] + sorted(
            rng.randint(approved, max(approved, self.as_of_ts - 1)) for _ in range(n_sites - 1))
        owner_email = (f"{owner['pinyin']}{rng.randint(1, 9999)}@{_pick(rng, rd.MAIL_DOMAINS, self.mail_cum)[0]}")
        websites_state, active_sites = [], 0
        site_rows = []
        for j, site_ts in enumerate(dates):
            website_id = self._next("website")
            # Domains: legacy (pre-2019-04-22) websites may carry 2–3.
            n_domains = 1
            if site_ts < self.cutoff_ts and rng.random() < LEGACY_MULTI_DOMAIN_SHARE:
                n_domains = 2 if rng.random() < 0.7 else 3
            domains = []
            for k in range(n_domains):
                tld = _pick(rng, rd.TLDS, self.tld_cum)[0]
                unique = index * 32 + j * 4 + k
                if tld == "中国":
                    base = trade + industry[0][:2] if trade else owner["name"]
                    unicode_name = f"{base}{unique}.中国"
                    ascii_name = idna.encode(unicode_name).decode("ascii")
                else:
                    if trade:
                        label = trade_py + rng.choice(industry[1])
                    else:
                        label = owner["pinyin"] + rng.choice(rd.PERSON_AFFIXES)
                    unicode_name = ascii_name = f"{label}{unique}.{tld}"
                domains.append((unicode_name, ascii_name))
            site_cancelled = entity_cancelled or rng.random() < CANCELLED_WEBSITE_SHARE
            # Principal: the entity's principal, or (enterprises) someone else half of the time.
            if individual or rng.random() < 0.5:
                person, email, site_emergency = owner, owner_email, emergency
            else:
                person = self._person(index=index, slot=1 + j, addresses=addresses, approved=site_ts)
                email = f"{person['pinyin']}@{domains[0][1]}"
                site_emergency = emergency
            principal_id = self._principal_row("website", person, email, site_emergency)
            if trade:
                site_name = rng.choice(rd.WEBSITE_NAME_PATTERNS_ORG).format(trade=trade, industry=industry[0],
                                                                            city=city_short)
                service = [rng.choice(industry[2])]
                remarks = ""
            else:
                site_name = rng.choice(rd.WEBSITE_NAME_PATTERNS_PERSON).format(name=owner["name"],
                                                                               given=owner["given"] or owner["name"])
                service = ["博客/个人空间"] if rng.random() < 0.6 else ["其他"]
                remarks = "个人网站，记录学习与生活，不涉及经营性内容。"
            r = rng.random()
            languages = ["中文简体"] if r < 0.93 else ["中文简体", "英语"] if r < 0.99 else ["中文简体", "中文繁体"]
            suffix = j + 1
            site_number = f"{number}-{suffix}"
            status = "cancelled" if site_cancelled else "active"
            without_access = not site_cancelled and rng.random() < WITHOUT_ACCESS_SHARE
            access_limited = not site_cancelled and rng.random() < ACCESS_LIMITED_SHARE
            site_when = self._fmt(site_ts)
            home_url = f"www.{domains[0][0]}"
            self.tables["website"].add((website_id, entity_id, site_name, home_url,
                                        json.dumps(service, ensure_ascii=False),
                                        json.dumps(languages, ensure_ascii=False), remarks, principal_id,
                                        site_number, suffix, status, access_limited, without_access, site_when,
                                        site_when))
            for k, (unicode_name, ascii_name) in enumerate(domains):
                self.tables["domain"].add((self._next("domain"), website_id, unicode_name, ascii_name, status, k))
            # Access of this provider: single IPs mostly, sometimes a small range, sometimes two.
            access_id = self._next("access")
            ranges = []
            for _ in range(2 if rng.random() < 0.05 else 1):
                a, b = rng.choice(rd.IP_BLOCKS)
                c, d = rng.randrange(256), rng.randint(1, 240)
                end = d + rng.randint(1, 14) if rng.random() < 0.1 else d
                ranges.append({"start": f"{a}.{b}.{c}.{d}", "end": f"{a}.{b}.{c}.{end}"})
            method = _pick(rng, ACCESS_METHODS, self.method_cum)[0]
            region = _pick(rng, rd.SERVER_REGIONS, self.region_cum)[0]
            access_status = "cancelled" if site_cancelled or without_access else "active"
            self.tables["access"].add((access_id, website_id, self.provider.id, method, region,
                                       json.dumps(ranges), access_status, site_when))
            pre = []
            if trade and rng.random() < PRE_APPROVAL_SHARE:
                kind, pattern = rng.choice(rd.PRE_APPROVALS)
                doc = pattern.format(abbr=province.abbr, year=dt.datetime.fromtimestamp(site_ts, dt.UTC).year,
                                     n=rng.randint(100, 9999))
                self.tables["pre_approval"].add((self._next("pre_approval"), website_id, kind, doc, status))
                pre.append({"type": kind, "number": doc})
            if not site_cancelled:
                active_sites += 1
            site_state = {"key": str(website_id), "id": website_id, "name": site_name, "home_url": home_url,
                          "service_content": service, "languages": languages,
                          "domains": [u for u, _ in domains],
                          "principal": self._state_principal(person, email, site_emergency),
                          "access": [{"key": str(access_id), "id": access_id, "provider": self.provider.name,
                                      "method": method, "region": region, "ip_ranges": ranges}],
                          "number": site_number, "status": status, "access_limited": access_limited}
            if remarks:
                site_state["remarks"] = remarks
            if pre:
                site_state["pre_approvals"] = pre
            if access_status == "cancelled":
                site_state["access"] = []
            websites_state.append(site_state)
            site_rows.append(site_ts)

        principal_id = self._principal_row("entity", owner, owner_email, emergency)
        status = "cancelled" if entity_cancelled else "active"
        empty_shell = not entity_cancelled and active_sites == 0
        remarks = f"{MARK}{self.seed}:{index}:{self.as_of:%Y%m%d} 基准测试生成数据"
        when, updated = self._fmt(approved), self._fmt(max(site_rows))
        self.tables["entity"].add((entity_id, None, entity_type, name, certificate_type, certificate_number,
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
        self.tables["version"].add((self._next("version"), entity_id, 1, json.dumps(snapshot, ensure_ascii=False),
                                    CREATION_DIFF, None, None, updated))


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


# ---------------------------------------------------------------- the run


def generate(*, entities: int, seed: int = 1, batch_size: int = 20000, resume: bool = False,
             as_of: dt.date | None = None, disk_check: bool = True, sample: int = 200,
             progress=None) -> Report:
    """Generate until ``entities`` generated entities exist; returns a :class:`Report`.

    ``resume`` continues after the highest generated index (same seed and as-of date required); without it
    the registry must not hold generated entities yet. ``progress`` is called with a line of text per batch.
    """
    if entities < 0 or batch_size < 1:
        raise GeneratorError("--entities must be ≥ 0 and --batch-size ≥ 1")
    say = progress or (lambda _line: None)
    started = time.monotonic()
    existing = generated_state()
    start_index = 0
    if existing is not None:
        old_seed, old_index, old_as_of = existing
        if not resume:
            raise GeneratorError(f"the registry already holds generated entities (seed {old_seed}, up to index "
                                 f"{old_index}); pass --resume to continue, or use an empty database")
        if old_seed != seed:
            raise GeneratorError(f"--resume with seed {seed}, but the registry was generated with seed {old_seed}")
        if as_of is not None and as_of != old_as_of:
            raise GeneratorError(f"--resume with as-of {as_of}, but the registry was generated as of {old_as_of}")
        as_of, start_index = old_as_of, old_index + 1
    if as_of is None:
        as_of = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date()
    todo = max(0, entities - start_index)
    if disk_check:
        say(check_disk(todo))
    provider = AccessProvider.objects.filter(is_self=True).order_by("id").first()
    if provider is None:
        raise GeneratorError("no AccessProvider with is_self=True: run manage.py migrate first")
    tz_suffix = "+00" if connection.vendor == "postgresql" else ""
    series = {(s.province_id, s.year): s.last_serial for s in NumberSeries.objects.all()}
    tables = _tables()
    models = {"principal": Principal, "entity": Entity, "website": Website, "domain": Domain, "access": Access,
              "pre_approval": PreApproval, "version": RegistryVersion}
    next_ids = {name: _max_id(model) + 1 for name, model in models.items()}
    gen = Generator(seed=seed, as_of=as_of, provinces=list(Province.objects.all()), provider=provider,
                    series=series, next_ids=next_ids, tz_suffix=tz_suffix)
    order = ["principal", "entity", "website", "domain", "access", "pre_approval", "version"]
    _sqlite_pragmas(load=True)
    done = 0
    try:
        index = start_index
        while index < entities:
            stop = min(entities, index + batch_size)
            ids_before, series_before = dict(next_ids), dict(series)
            for i in range(index, stop):
                gen.entity(i, tables)
            touched = {key for key, value in series.items() if series_before.get(key) != value}
            try:
                with transaction.atomic():
                    for name in order:
                        tables[name].flush()
                    NumberSeries.objects.bulk_create(
                        [NumberSeries(province_id=p, year=y, last_serial=series[(p, y)]) for p, y in sorted(touched)],
                        update_conflicts=True, unique_fields=["province", "year"], update_fields=["last_serial"])
                    _reset_sequences()
            except BaseException:
                next_ids.clear()
                next_ids.update(ids_before)
                series.clear()
                series.update(series_before)
                for table in tables.values():
                    table.rows = []
                raise
            done += stop - index
            index = stop
            elapsed = time.monotonic() - started
            rate = done / elapsed if elapsed else 0
            eta = (entities - index) / rate if rate else 0
            say(f"{index:>10,}/{entities:,} entities  {rate:,.0f}/s  elapsed {elapsed:,.0f} s  ETA {eta:,.0f} s")
    finally:
        _sqlite_pragmas(load=False)
    _analyze_postgres()
    report = Report(generated=done, total_generated=start_index + done, db_vendor=connection.vendor)
    report.seconds = time.monotonic() - started
    if sample:
        report.sample_checked, report.problems = validate_sample(size=sample, seed=seed)
    report.rows = row_counts()
    report.db_bytes = database_bytes()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, required=True, help="number of generated entities to reach")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=20000, help="entities per transaction (default 20000)")
    parser.add_argument("--resume", action="store_true", help="continue after the highest generated entity")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                        help="the generation's 'today' (YYYY-MM-DD, default: today in CST; kept on --resume)")
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
                          progress=progress)
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
