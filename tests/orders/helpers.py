"""Drive orders through the workflow with the services (the API is covered by the story and access tests)."""

from beian.bureau import services as bureau
from beian.orders import services
from beian.orders.models import Order, OrderState


def drive_to_approval(order_id: int, *, applicant, reviewer, bureau_reviewer) -> Order:
    services.order_submit(user=applicant, order_id=order_id)
    order = Order.objects.get(pk=order_id)
    for key in services.principals_to_verify(order):
        services.identity_verification_perform(user=applicant, order_id=order_id, website_key=key)
    services.order_claim(reviewer=reviewer, order_id=order_id)
    order = services.order_approve(reviewer=reviewer, order_id=order_id)
    if order.state == OrderState.SMS_VERIFICATION:
        bureau.sms_stage_complete(order_id=order_id)
    return bureau.bureau_approve(reviewer=bureau_reviewer, order_id=order_id)
