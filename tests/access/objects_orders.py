"""Access objects of the order workflow built through the real services (not bare rows).

All start from the same story: the owner's filed 浙江 enterprise renames itself and the provider reviewer claims
the order; each object takes it one stage further.
"""

from __future__ import annotations

from tests.access.harness import access_object


def claimed_rename(world):
    """A rename of the owner's filing, submitted and claimed by the provider reviewer."""
    from beian.orders import services
    from beian.registry.demo import filed_entity_create, zhejiang_enterprise_state

    owner, reviewer = world.user("owner"), world.user("reviewer")
    filed_entity_create(owner=owner, state=zhejiang_enterprise_state())
    order = services.order_create(user=owner, type="change")
    proposed = dict(order.proposed)
    proposed["entity"] = {**proposed["entity"], "name": "杭州云栖智能科技有限公司"}
    services.order_update(user=owner, order_id=order.pk, proposed=proposed)
    services.order_submit(user=owner, order_id=order.pk)
    return services.order_claim(reviewer=reviewer, order_id=order.pk)


def sms_rename(world):
    """The rename approved by the provider: waiting for the entity principal's SMS check."""
    from beian.orders import services

    order = claimed_rename(world)
    return services.order_approve(reviewer=world.user("reviewer"), order_id=order.pk)


@access_object("real_claimed_order")
def real_claimed_order(world):
    return claimed_rename(world)


@access_object("real_bureau_order")
def real_bureau_order(world):
    """The rename at the bureau (SMS stage completed)."""
    from beian.bureau.services import sms_stage_complete

    return sms_stage_complete(order_id=sms_rename(world).pk)
