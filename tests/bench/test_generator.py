"""The registry data generator (bench/generate_registry.py): shapes, validity, uniqueness, determinism, resume.

Bulk-loads through SQLite ``executemany`` or PostgreSQL ``COPY``, hence ``db_specific`` (runs on both).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import transaction
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from beian.registry.models import Access, Domain, Entity, NumberSeries, Principal, RegistryVersion, Website
from bench import generate_registry as g
from bench import registry_data as rd

pytestmark = [pytest.mark.django_db, pytest.mark.db_specific]

AS_OF = dt.date(2026, 11, 27)
N = 1000
CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def report():
    return g.generate(entities=N, seed=7, batch_size=300, as_of=AS_OF, disk_check=False, sample=200)


def _fingerprint() -> list[tuple]:
    rows = []
    for e in Entity.objects.order_by("id").select_related("principal").prefetch_related("websites__domains"):
        sites = tuple((w.number, w.name, tuple(d.ascii for d in w.domains.all())) for w in e.websites.all())
        rows.append((e.id, e.number, e.name, e.certificate_number, e.principal.mobile, e.status, sites))
    return rows


# ---------------------------------------------------------------- check digits (no database)


def test_uscc_builder_reproduces_a_published_code():
    # python-stdnum's documented example; positions 9–17 are organisation code 60003734-1.
    built = rd.make_uscc(authority="9", category="1", division="110000", org_body="60003734")
    assert built == "91110000600037341L"
    assert rd.uscc_is_valid(built) and stdnum_uscc.is_valid(built)


def test_check_digit_helpers_reject_corruption():
    good = rd.make_uscc(authority="9", category="1", division="330106", org_body="MA27XNKH")
    assert rd.uscc_is_valid(good)
    assert not rd.uscc_is_valid(good[:16] + ("0" if good[16] != "0" else "1") + good[17])  # inner digit
    assert not rd.uscc_is_valid(good[:17] + ("0" if good[17] != "0" else "1"))  # outer digit
    assert rd.org_code_check("D2143569") == "X"  # 3·13+7·2+9·1+10·4+5·3+8·5+4·6+2·9 = 199; 11 - 199 mod 11 = 10 → X
    assert rd.ric_is_valid("11010519491231002X") and stdnum_ric.is_valid("11010519491231002X")
    assert rd.entity_number("浙", 2024, 12345) == "浙ICP备2024012345号"
    assert rd.entity_number("京", 2016, 59763) == "京ICP备16059763号"


# ---------------------------------------------------------------- a generated registry


def test_shapes_of_a_generated_registry(report):
    assert report.generated == N and report.total_generated == N
    assert report.rows["entity"] == N and report.rows["registryversion"] == N
    websites = Website.objects.count()
    assert 1.2 <= websites / N <= 1.45
    per_site = Counter(Domain.objects.values_list("website_id", flat=True))
    multi = [site for site, count in per_site.items() if count > 1]
    assert len(per_site) == websites  # every website has at least one domain
    assert 0.06 <= len(multi) / websites <= 0.14
    assert max(per_site.values()) <= 3
    cutoff = dt.datetime(2019, 4, 22, tzinfo=CST)
    assert not Website.objects.filter(id__in=multi, approved_at__gte=cutoff).exists()  # 633号: one domain since
    types = Counter(Entity.objects.values_list("entity_type", flat=True))
    assert set(types) == {"企业", "个人"} and 0.72 <= types["企业"] / N <= 0.88
    cancelled = Entity.objects.filter(status="cancelled")
    assert 0.003 <= cancelled.count() / N <= 0.05
    assert not Website.objects.filter(entity__in=cancelled, status="active").exists()
    assert not Domain.objects.filter(website__status="cancelled", status="active").exists()
    assert not Access.objects.filter(website__status="cancelled", status="active").exists()
    assert Entity.objects.filter(owner__isnull=False).count() == 0
    tlds = Counter(d.split(".", 1)[1] for d in Domain.objects.values_list("name", flat=True))
    assert {"com", "cn", "com.cn", "net", "中国"} <= set(tlds)
    assert Domain.objects.filter(ascii__startswith="xn--").exists()
    # Provinces follow population: Guangdong (12.6 M) far ahead of Tibet (0.4 M).
    provinces = Counter(Entity.objects.values_list("province__code", flat=True))
    assert provinces["440000"] > 5 * max(1, provinces["540000"])
    assert all(a.provider.is_self for a in Access.objects.select_related("provider")[:50])


def test_numbers_are_unique_well_formed_and_consistent(report):
    numbers = list(Entity.objects.values_list("number", "province__abbr", "approved_at", "province_id"))
    assert len({n for n, *_ in numbers}) == N
    highest: dict[tuple[int, int], int] = {}
    for number, abbr, approved, province_id in numbers:
        m = g.ENTITY_NUMBER_RE.match(number)
        assert m and m["abbr"] == abbr, number
        year = approved.astimezone(CST).year
        if year >= 2020:
            assert m["y4"] == str(year), number
        else:
            assert m["y2"] == f"{year % 100:02d}", number
        serial = int(m["s4"] or m["s2"])
        highest[(province_id, year)] = max(highest.get((province_id, year), 0), serial)
    series = {(s.province_id, s.year): s.last_serial for s in NumberSeries.objects.all()}
    assert series == highest
    for entity in Entity.objects.prefetch_related("websites"):
        suffixes = sorted(w.suffix for w in entity.websites.all())
        assert suffixes == list(range(1, entity.website_suffix_high + 1))
        assert all(w.number == f"{entity.number}-{w.suffix}" for w in entity.websites.all())
    active = list(Domain.objects.filter(status="active").values_list("ascii", flat=True))
    assert len(active) == len(set(active))
    assert len(set(Domain.objects.values_list("ascii", flat=True))) == Domain.objects.count()


def test_certificates_and_contacts_are_valid(report):
    certs = list(Entity.objects.values_list("entity_type", "certificate_type", "certificate_number",
                                            "province__code"))
    assert len({c for _, _, c, _ in certs}) == N  # one entity per certificate
    for entity_type, cert_type, number, province in certs:
        if entity_type == "企业":
            assert cert_type == "营业执照（个人或企业）"
            assert rd.uscc_is_valid(number) and stdnum_uscc.is_valid(number), number
            assert number[2:4] == province[:2], (number, province)
        else:
            assert cert_type == "居民身份证" and stdnum_ric.is_valid(number), number
    for p in Principal.objects.all():
        assert stdnum_ric.is_valid(p.certificate_number), p.certificate_number
        birth = stdnum_ric.get_birth_date(p.certificate_number)
        assert dt.date(1955, 1, 1) <= birth <= dt.date(AS_OF.year - 18, 12, 31)
        assert re.fullmatch(r"1[3-9]\d{9}", p.mobile) and p.mobile != p.emergency_phone
        assert p.valid_to is None or p.valid_to > p.valid_from
    entity_mobiles = list(Entity.objects.values_list("principal__mobile", flat=True))
    assert len(set(entity_mobiles)) == N


def test_core_validators_accept_the_generated_values(report):
    v = pytest.importorskip("beian.core.validators")
    sample = Entity.objects.select_related("principal")[:300]
    for e in sample:
        if e.entity_type == "企业":
            assert v.check(v.validate_uscc, e.certificate_number) == []
        assert v.check(v.validate_resident_id, e.principal.certificate_number, today=AS_OF) == []
        assert v.check(v.validate_mobile, e.principal.mobile) == []
        assert v.check(v.parse_filing_number, e.number) == []
    for d in Domain.objects.all()[:300]:
        assert v.check(v.normalize_domain, d.name) == []


def test_sample_validation_passes_and_catches_a_broken_row(report):
    assert report.sample_checked >= 150 and report.problems == []
    entity = Entity.objects.filter(entity_type="企业").first()
    broken = entity.certificate_number[:17] + ("0" if entity.certificate_number[17] != "0" else "1")
    Entity.objects.filter(pk=entity.pk).update(certificate_number=broken)
    entity.refresh_from_db()
    assert any("USCC" in p for p in g.validate_entity(entity))
    version = RegistryVersion.objects.get(entity=entity)
    assert version.snapshot["entity"]["number"] == entity.number
    assert report.db_bytes > 0 and report.seconds > 0


def test_generation_is_deterministic_and_resumable():
    with transaction.atomic():
        g.generate(entities=400, seed=3, batch_size=400, as_of=AS_OF, disk_check=False, sample=0)
        straight = _fingerprint()
        transaction.set_rollback(True)
    assert not Entity.objects.exists()
    first = g.generate(entities=150, seed=3, batch_size=70, as_of=AS_OF, disk_check=False, sample=0)
    assert first.generated == 150
    with pytest.raises(g.GeneratorError, match="--resume"):
        g.generate(entities=400, seed=3, as_of=AS_OF, disk_check=False, sample=0)
    with pytest.raises(g.GeneratorError, match="seed"):
        g.generate(entities=400, seed=4, resume=True, disk_check=False, sample=0)
    rest = g.generate(entities=400, seed=3, batch_size=90, resume=True, disk_check=False, sample=0)
    assert rest.generated == 250 and rest.total_generated == 400
    assert _fingerprint() == straight
    again = g.generate(entities=400, seed=3, resume=True, disk_check=False, sample=0)
    assert again.generated == 0


def test_disk_check_refuses_when_space_is_short(monkeypatch, tmp_path):
    monkeypatch.setattr(g, "_data_directory", lambda: tmp_path)
    monkeypatch.setattr(g.shutil, "disk_usage", lambda path: type("U", (), {"free": 10 * 2**20})())
    with pytest.raises(g.GeneratorError, match="not enough disk"):
        g.check_disk(1_000_000)
    assert "need about" in g.check_disk(100)
    with pytest.raises(g.GeneratorError, match="not enough disk"):
        g.generate(entities=1_000_000, as_of=AS_OF, sample=0)
    assert not Entity.objects.exists()


def test_command_line_entry_point(capsys):
    code = g.main(["--entities", "60", "--seed", "5", "--as-of", "2026-11-27", "--batch-size", "25",
                   "--no-disk-check", "--quiet", "--sample", "30"])
    out = capsys.readouterr().out
    assert code == 0
    assert "generated this run: 60 entities" in out and "0 problems" in out
    assert Entity.objects.count() == 60


def test_word_lists_are_safe_for_copy_text_and_json():
    # PostgreSQL gets the rows as preformatted COPY text and the snapshots as JSON; neither escapes these.
    unsafe = set('\t\n\r\\"')
    texts = []

    def walk(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    for name in dir(rd):
        if name.isupper():
            walk(getattr(rd, name))
    assert len(texts) > 500
    assert [t for t in texts if unsafe & set(t)] == []


def test_processes_and_index_options_inside_a_transaction():
    from django.db import connection

    if connection.vendor == "postgresql":
        with pytest.raises(g.GeneratorError, match="autocommit"):
            g.generate(entities=10, seed=2, as_of=AS_OF, disk_check=False, sample=0, processes=2)
    else:  # SQLite: one writer, so one process whatever is asked
        report = g.generate(entities=30, seed=2, as_of=AS_OF, disk_check=False, sample=10, processes=2)
        assert report.generated == 30 and report.problems == []
    with pytest.raises(g.GeneratorError, match="--indexes"):
        g.generate(entities=10, seed=2, as_of=AS_OF, disk_check=False, sample=0, indexes="sometimes")
