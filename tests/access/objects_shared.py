"""Shared access objects: the owner's registry records and one order of the owner in each state.

The owner's entity is filed in OWN_PROVINCE (浙江), so ``bureau_own`` acts for it and ``bureau_other`` does
not. Placeholders: ``{owner_entity}``, ``{owner_website}``, ``{owner_domain}`` (the domain's name, not an id),
``{order_<state>}`` for every ``OrderState`` (``{order_draft}``, ``{order_bureau_review}``, …). Built straight
with the models so the harness does not depend on the workflow; an app that needs richer objects registers
its own under a new name.
"""

from __future__ import annotations

from tests.access.harness import OWN_PROVINCE, access_object


@access_object("owner_entity")
def owner_entity(world):
    from beian.registry.models import Entity, Principal, Province

    principal = Principal.objects.create(role="entity", name="张三", certificate_type="居民身份证",
                                         certificate_number="110101199003074477", mobile="13800138000",
                                         email="zhangsan@example.com")
    return Entity.objects.create(owner=world.user("owner"), entity_type="企业", name="杭州示例科技有限公司",
                                 certificate_type="营业执照（统一社会信用代码）",
                                 certificate_number="91330100MA2AXXXX0X", province=Province.objects.get(
                                     code=OWN_PROVINCE), principal=principal, number="浙ICP备2024000001号",
                                 version=1)


@access_object("owner_website")
def owner_website(world):
    from beian.registry.models import Website

    entity = world.get("owner_entity")
    return Website.objects.create(entity=entity, name="示例网站", home_url="www.example-harness.cn",
                                  principal=entity.principal, number=f"{entity.number}-1", suffix=1)


@access_object("owner_domain")
def owner_domain(world):
    from beian.registry.models import Domain

    domain = Domain.objects.create(website=world.get("owner_website"), name="example-harness.cn",
                                   ascii="example-harness.cn")
    return domain.name


def _order_builder(state: str):
    def build(world):
        from django.utils import timezone

        from beian.orders.models import Order, OrderState, OrderType
        from beian.registry.models import Province

        entity = world.get("owner_entity")
        now = timezone.now()
        submitted = state != OrderState.DRAFT
        return Order.objects.create(
            type=OrderType.CHANGE_ENTITY, state=state, applicant=world.user("owner"), entity=entity,
            province=Province.objects.get(code=OWN_PROVINCE), base_version=entity.version,
            submitted_at=now if submitted else None, stage_started_at=now if submitted else None,
            bureau_at=now if state in (OrderState.BUREAU_REVIEW, OrderState.APPROVED) else None)

    build.__name__ = f"order_{state}"
    return build


def _register_orders() -> None:
    from beian.orders.models import OrderState

    for state in OrderState.values:
        access_object(f"order_{state}")(_order_builder(state))


_register_orders()
