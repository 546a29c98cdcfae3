"""Access rows of the SMS verification endpoints (/api/bureau/sms/…, /api/bureau/orders/{id}/sms; docs/sms.md).

Columns: owner other reviewer bureau_own bureau_other operator anonymous. The verification page is for everyone,
anonymous included (design.md §2, last row); the order's SMS status follows the order's visibility — a bureau
reviewer sees an order only from bureau_review on.
"""

from __future__ import annotations

import re

from tests.access.harness import Row, access_object
from tests.access.objects_orders import sms_rename

PHONE = "13957112345"  # the demo enterprise's entity principal 王建国
SUFFIX = "010312"  # last 6 of his certificate number


@access_object("real_sms_order")
def real_sms_order(world):
    """A rename of the owner's 浙江 filing, approved by the provider: waiting for the entity principal's SMS."""
    return sms_rename(world)


@access_object("real_sms_code")
def real_sms_code(world):
    """The code sent for ``real_sms_order`` (read from the recording SMS backend)."""
    from beian.notify.models import SmsMessage
    from beian.notify.services import outbox_deliver_batch

    world.get("real_sms_order")
    outbox_deliver_batch(limit=100)
    text = SmsMessage.objects.filter(phone=PHONE).order_by("-id").first().text
    return re.search(r"短信核验码：(\d{6})", text).group(1)


ROWS = [
    Row("bureau.sms.status.sms_verification", "GET", "/api/bureau/orders/{real_sms_order}/sms",
        "200 — 200 — — 200 401"),
    Row("bureau.sms.status.bureau_review", "GET", "/api/bureau/orders/{real_bureau_order}/sms",
        "200 — 200 200 — 200 401"),
    Row("bureau.sms.verify.right", "POST", "/api/bureau/sms/verify", "200 200 200 200 200 200 200",
        body={"phone": PHONE, "certificate_suffix": SUFFIX, "code": "{real_sms_code}"}),
    Row("bureau.sms.verify.wrong", "POST", "/api/bureau/sms/verify", "400 400 400 400 400 400 400",
        body={"phone": "13900000000", "certificate_suffix": SUFFIX, "code": "000000"}),
    Row("bureau.sms.resend", "POST", "/api/bureau/sms/resend", "200 200 200 200 200 200 200",
        body={"phone": PHONE, "certificate_suffix": SUFFIX, "x": "{real_sms_order}"}),
    Row("bureau.sms.resend.nothing_pending", "POST", "/api/bureau/sms/resend", "404 404 404 404 404 404 404",
        body={"phone": "13900000000", "certificate_suffix": SUFFIX}),
]
