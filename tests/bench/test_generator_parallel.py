"""The generator's PostgreSQL bulk path: worker processes, dropped and re-created indexes, resume after a crash.

Workers commit on connections of their own, so these tests run outside the test transaction
(``transaction=True``; ``serialized_rollback`` restores the migrations' catalogue rows afterwards).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from beian.registry.models import Entity, NumberSeries, RegistryVersion
from bench import generate_registry as g

pytestmark = [pytest.mark.postgres_only, pytest.mark.db_specific,
              pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="worker processes and index handling are PostgreSQL's (scripts/pg_tests.py)"),
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AS_OF = dt.date(2026, 11, 27)
LOADED = ["registry_registryversion", "registry_preapproval", "registry_access", "registry_domain",
          "registry_website", "registry_entity", "registry_principal", "registry_numberseries"]


@pytest.fixture(autouse=True)
def _no_state_left():
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {g.STATE_TABLE}")


def _empty_registry():
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(LOADED)} RESTART IDENTITY CASCADE")
        cursor.execute(f"DROP TABLE IF EXISTS {g.STATE_TABLE}")


def _everything() -> tuple:
    """Every generated row that matters, ids included, and the serial series."""
    entities = []
    for e in Entity.objects.order_by("id").select_related("principal").prefetch_related(
            "websites__domains", "websites__access", "websites__pre_approvals", "websites__principal"):
        sites = tuple(
            (w.id, w.number, w.name, w.principal_id, w.principal.mobile, w.status,
             tuple((d.id, d.ascii, d.status) for d in w.domains.all()),
             tuple((a.id, a.region, str(a.ip_ranges)) for a in w.access.all()),
             tuple((p.id, p.number) for p in w.pre_approvals.all())) for w in e.websites.all())
        entities.append((e.id, e.number, e.name, e.certificate_number, e.principal_id, e.principal.mobile,
                         e.status, e.empty_shell, e.approved_at, sites))
    versions = list(RegistryVersion.objects.order_by("id").values_list("id", "entity_id", "snapshot"))
    series = sorted(NumberSeries.objects.values_list("province_id", "year", "last_serial"))
    return entities, versions, series


def test_parallel_load_with_dropped_indexes_equals_one_process():
    schema = g.registry_schema()
    assert any("registry_domain_active_unique" in d for _, _, d in schema)  # a partial unique index
    assert any("FOREIGN KEY" in d for _, _, d in schema)
    one = g.generate(entities=700, seed=5, batch_size=700, as_of=AS_OF, disk_check=False, sample=0,
                     processes=1, indexes="keep")
    assert one.generated == 700
    straight = _everything()
    _empty_registry()
    lines: list[str] = []
    report = g.generate(entities=700, seed=5, batch_size=60, as_of=AS_OF, disk_check=False, sample=100,
                        processes=2, indexes="drop", progress=lines.append)
    assert report.generated == 700 and report.problems == [] and report.sample_checked >= 80
    assert any(line.startswith("dropped ") and " 0 indexes" not in line for line in lines)
    assert any("on 2 process(es)" in line for line in lines)
    assert _everything() == straight  # same ids, numbers, serials, snapshots
    assert g.registry_schema() == schema  # every index and constraint is back, exactly as defined
    assert g._state_get("dropped") is None


def test_interrupted_parallel_load_resumes_to_the_same_registry(monkeypatch):
    g.generate(entities=500, seed=9, batch_size=500, as_of=AS_OF, disk_check=False, sample=0, processes=1,
               indexes="keep")
    straight = _everything()
    schema = g.registry_schema()
    _empty_registry()

    real_entity = g.Generator.entity

    def failing(self, index):
        if index == 260:
            raise RuntimeError("worker died")
        return real_entity(self, index)

    monkeypatch.setattr(g.Generator, "entity", failing)  # inherited by the forked workers
    with pytest.raises(RuntimeError, match="worker died"):
        g.generate(entities=500, seed=9, batch_size=50, as_of=AS_OF, disk_check=False, sample=0, processes=2,
                   indexes="drop")
    monkeypatch.setattr(g.Generator, "entity", real_entity)
    assert g._state_get("dropped")  # the definitions survived the crash
    assert g.registry_schema() != schema
    have = Entity.objects.count()
    assert have < 500 and not Entity.objects.filter(id=261).exists()  # the failed batch is not there
    with pytest.raises(g.GeneratorError, match="--resume"):
        g.generate(entities=500, seed=9, as_of=AS_OF, disk_check=False, sample=0)
    rest = g.generate(entities=500, seed=9, batch_size=80, resume=True, disk_check=False, sample=0, processes=2)
    assert rest.generated == 500 - have and rest.total_generated == 500
    assert _everything() == straight
    assert g.registry_schema() == schema
