#!/usr/bin/env python
"""Server time of the main web pages with many orders in the database (issue 7: target < 100 ms).

Creates a fresh file SQLite database (or uses ``--database-url``), migrates it, files the two demo entities and
bulk-inserts ``--orders`` orders (default 10,000; spread over states, due dates and both provinces, with history
rows), then requests each page in process through Django's test client as its role and reports the median and
p95 of ``--repeat`` requests. In-process server time: no network, no browser rendering.

    .venv/bin/python bench/web_pages.py --orders 10000 --repeat 30
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="SQLite file kept between runs: seeded once, reused after")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this text")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="beian-web-bench-")
    url = args.database_url or (f"sqlite:///{Path(args.keep).resolve()}" if args.keep else
                                f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("BEIAN_DATABASE_URL", url)
    os.environ.setdefault("BEIAN_VAR_DIR", tmp)
    os.environ["BEIAN_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beian.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    users, entities = _reuse() if args.keep and _seeded() else _seed(args.orders)
    pages = [
        ("我的备案 /filings/", users["zj"], "/filings/"),
        ("order page /orders/<id>/", users["zj"], f"/orders/{entities['zj_order']}/"),
        ("review queue /console/", users["reviewer"], "/console/"),
        ("review queue filtered", users["reviewer"], "/console/?type=change_entity&province=330000"),
        ("review order /console/orders/<id>/", users["reviewer"], f"/console/orders/{entities['review_order']}/"),
        ("dashboard /console/dashboard/", users["reviewer"], "/console/dashboard/"),
        ("dashboard, cache off", users["reviewer"], "/console/dashboard/"),
        ("bureau queue /bureau/", users["bureau"], "/bureau/"),
        ("inbox /inbox/", users["zj"], "/inbox/"),
        ("sms page /sms/ (anonymous)", None, "/sms/"),
    ]
    from contextlib import nullcontext

    from django.test import Client
    from django.test.utils import override_settings

    print(f"{args.orders} orders; median / p95 of {args.repeat} requests (ms)")
    for name, user, url in pages:
        if args.only and args.only not in name:
            continue
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        off = override_settings(BEIAN_DASHBOARD_CACHE_SECONDS=0) if "cache off" in name else nullcontext()
        off.__enter__()
        client.get(url)  # warm
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        off.__exit__(None, None, None)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"  {name:40s} {statistics.median(times):7.1f} {p95:7.1f}")
    return 0


def _seeded() -> bool:
    from beian.accounts.models import User

    return User.objects.filter(username="zj").exists()


def _reuse():
    from beian.accounts.models import User
    from beian.orders.models import Order, OrderState

    users = {name: User.objects.get(username=u) for name, u in (("zj", "zj"), ("reviewer", "rv"), ("bureau", "bz"))}
    draft = Order.objects.filter(applicant=users["zj"], state=OrderState.DRAFT).order_by("id").first()
    review = Order.objects.filter(state=OrderState.PROVIDER_REVIEW, applicant=users["zj"]).order_by("id").first()
    return users, {"zj_order": draft.pk, "review_order": review.pk}


def _seed(n: int):
    import random

    from django.utils import timezone

    from beian.accounts.models import Role, User
    from beian.orders.models import Order, OrderHistory, OrderState, OrderType
    from beian.registry.demo import beijing_individual_state, filed_entity_create, zhejiang_enterprise_state
    from beian.registry.models import Province

    rnd = random.Random(7)
    zj = User.objects.create_user(username="zj", password="x" * 12, role=Role.APPLICANT)
    bj = User.objects.create_user(username="bj", password="x" * 12, role=Role.APPLICANT)
    reviewer = User.objects.create_user(username="rv", password="x" * 12, role=Role.PROVIDER_REVIEWER)
    bureau = User.objects.create_user(username="bz", password="x" * 12, role=Role.BUREAU_REVIEWER)
    bureau.bureau_provinces.set(Province.objects.filter(code="330000"))
    zj_entity = filed_entity_create(owner=zj, state=zhejiang_enterprise_state())
    bj_entity = filed_entity_create(owner=bj, state=beijing_individual_state())
    now = timezone.now()
    states = [OrderState.PROVIDER_REVIEW] * 4 + [OrderState.BUREAU_REVIEW, OrderState.APPROVED, OrderState.RETURNED,
                                                 OrderState.SMS_VERIFICATION]
    types = [OrderType.CHANGE_ENTITY, OrderType.CHANGE_WEBSITE, OrderType.ADD_WEBSITE, OrderType.CANCEL_WEBSITE]
    rows = []
    for i in range(n):
        applicant, entity = (zj, zj_entity) if i % 2 else (bj, bj_entity)
        submitted = now - timezone.timedelta(minutes=rnd.randint(0, 60 * 24 * 29))
        rows.append(Order(type=rnd.choice(types), state=rnd.choice(states), applicant=applicant, entity=entity,
                          province=entity.province, proposed={"entity": {"name": entity.name}, "websites": []},
                          submitted_at=submitted, bureau_at=submitted,
                          due_at=submitted + timezone.timedelta(days=rnd.randint(0, 6))))
    Order.objects.bulk_create(rows, batch_size=2000)
    history, times = [], []
    for order in Order.objects.only("id", "submitted_at", "state"):
        history.append(OrderHistory(order_id=order.pk, event="submit", from_state="draft",
                                    to_state="provider_review"))
        times.append(order.submitted_at)
        if order.state != OrderState.PROVIDER_REVIEW:
            event, to_state = rnd.choice([("approve_to_bureau", "bureau_review"), ("return", "returned")])
            history.append(OrderHistory(order_id=order.pk, event=event, from_state="provider_review",
                                        to_state=to_state))
            times.append(min(now, order.submitted_at + timezone.timedelta(minutes=rnd.randint(10, 60 * 24 * 4))))
    OrderHistory.objects.bulk_create(history, batch_size=5000)  # ``at`` is auto_now_add: set it afterwards
    for row, at in zip(history, times, strict=True):
        row.at = at
    OrderHistory.objects.bulk_update(history, ["at"], batch_size=1000)
    from beian.orders import services

    draft = services.order_create(user=zj, type="change")
    review = Order.objects.filter(state=OrderState.PROVIDER_REVIEW, entity=zj_entity).order_by("id").first()
    review.proposed = draft.proposed  # a real filing state, with the findings its submission stores
    review.findings = [f.as_dict() for f in services.order_findings(order=review, stage="submit")]
    review.save(update_fields=["proposed", "findings"])
    return {"zj": zj, "reviewer": reviewer, "bureau": bureau}, {"zj_order": draft.pk, "review_order": review.pk}


if __name__ == "__main__":
    sys.exit(main())
