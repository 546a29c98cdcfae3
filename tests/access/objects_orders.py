"""Access objects of the order workflow built through the real services (not bare rows)."""

from __future__ import annotations

from tests.access.harness import access_object


@access_object("real_bureau_order")
def real_bureau_order(world):
    """A rename of the owner's 浙江 filing, at the bureau (SMS stage completed)."""
    from beian.bureau.services import sms_stage_complete
    from beian.orders import services
    from beian.registry.demo import filed_entity_create, zhejiang_enterprise_state

    owner, reviewer = world.user("owner"), world.user("reviewer")
    filed_entity_create(owner=owner, state=zhejiang_enterprise_state())
    order = services.order_create(user=owner, type="change")
    proposed = dict(order.proposed)
    proposed["entity"] = {**proposed["entity"], "name": "杭州云栖智能科技有限公司"}
    services.order_update(user=owner, order_id=order.pk, proposed=proposed)
    services.order_submit(user=owner, order_id=order.pk)
    services.order_claim(reviewer=reviewer, order_id=order.pk)
    services.order_approve(reviewer=reviewer, order_id=order.pk)
    sms_stage_complete(order_id=order.pk)
    return order


@access_object("real_claimed_order")
def real_claimed_order(world):
    """A rename of the owner's filing in provider review, claimed by the provider reviewer."""
    from beian.orders import services
    from beian.registry.demo import filed_entity_create, zhejiang_enterprise_state

    owner, reviewer = world.user("owner"), world.user("reviewer")
    filed_entity_create(owner=owner, state=zhejiang_enterprise_state())
    order = services.order_create(user=owner, type="change")
    proposed = dict(order.proposed)
    proposed["entity"] = {**proposed["entity"], "name": "杭州云栖智能科技有限公司"}
    services.order_update(user=owner, order_id=order.pk, proposed=proposed)
    services.order_submit(user=owner, order_id=order.pk)
    services.order_claim(reviewer=reviewer, order_id=order.pk)
    return order
