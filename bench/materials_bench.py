#!/usr/bin/env python
"""Materials benchmarks (docs/materials.md "Measurements").

``check``: the worker's machine check (legibility + OCR + compare) of a rendered 1600×1000 business-licence
photo (slightly rotated, JPEG q=80); the OCR engine is loaded once before timing, as in the worker.
``upload``: the upload request (inspection, storage, row; no OCR) through Django's full request path on a file
SQLite database in a temp dir, with a 1600×1000 licence JPEG.

    .venv/bin/python bench/materials_bench.py check --runs 15
    .venv/bin/python bench/materials_bench.py upload --runs 200
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _licence_photo():
    from beian.registry.demo import ZJ_COMPANY_USCC
    from tests.materials import images

    img = images.licence("杭州云栖网络科技有限公司", ZJ_COMPANY_USCC)
    return images.compressed(images.rotated(img, 2).resize((1600, 1000)), 80)


def _summary(label: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print(f"{label}: n={len(times)} median={statistics.median(times) * 1000:.1f} ms "
          f"p95={p95 * 1000:.1f} ms min={times[0] * 1000:.1f} ms max={times[-1] * 1000:.1f} ms")


def bench_check(runs: int) -> None:
    from beian.core.state import FilingState
    from beian.materials import checks
    from beian.registry.demo import zhejiang_enterprise_state

    proposed = FilingState.model_validate(zhejiang_enterprise_state())
    photo = _licence_photo()
    started = time.perf_counter()
    checks.ocr_engine()
    print(f"OCR engine load: {(time.perf_counter() - started) * 1000:.0f} ms (once per worker process)")
    findings, data = checks.check_image(photo, code="entity_certificate", proposed=proposed)  # warm-up
    assert findings == [], (findings, data.get("ocr_lines"))
    times, legibility = [], []
    for _ in range(runs):
        t = time.perf_counter()
        checks.legibility(photo)
        legibility.append(time.perf_counter() - t)
        t = time.perf_counter()
        findings, _ = checks.check_image(photo, code="entity_certificate", proposed=proposed)
        times.append(time.perf_counter() - t)
        assert findings == []
    _summary("legibility only (blur, brightness) 1600x1000", legibility)
    _summary("machine check (legibility + OCR + compare) 1600x1000", times)


def bench_upload(runs: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="beian-bench-materials-"))
    os.environ["BEIAN_VAR_DIR"] = str(tmp)
    os.environ["BEIAN_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beian.settings")
    os.environ["BEIAN_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from beian.accounts.models import Role, User
    from beian.materials.models import Material
    from beian.orders import services
    from beian.registry.demo import filed_entity_create, zhejiang_enterprise_state
    from tests.materials import images

    call_command("migrate", verbosity=0)
    user = User.objects.create_user(username="bench", password="Passw0rd!bench", role=Role.APPLICANT)
    filed_entity_create(owner=user, state=zhejiang_enterprise_state())
    order = services.order_create(user=user, type="change")
    data = images.jpeg_bytes(_licence_photo(), 85)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/api/materials/upload?filename=licence.jpg&order_id={order.pk}&code=entity_certificate"
    for _ in range(5):  # warm-up
        assert client.post(url, data=data, content_type="image/jpeg").status_code == 201
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        response = client.post(url, data=data, content_type="image/jpeg")
        times.append(time.perf_counter() - t)
        assert response.status_code == 201, response.content
    print(f"file: 1600x1000 JPEG, {len(data) // 1024} KiB; rows: {Material.objects.count()}; storage: filesystem")
    _summary("upload request (sniff, polyglot/pixel checks, SHA-256, store, row)", times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["check", "upload"])
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args()
    if args.what == "check":
        bench_check(args.runs or 15)
    else:
        bench_upload(args.runs or 200)


if __name__ == "__main__":
    main()
