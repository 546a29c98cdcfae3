"""SMS verification (短信核验, design.md §6, icp-domain.md §4.2): who verifies, codes, answers, timeouts.

- Who must verify is data (:class:`~beian.bureau.models.SmsVerifierRule`, admin-editable); for 变更备案 the rule
  is chosen by the scope of the diff. The principals come from the order's proposed ``FilingState`` ("mobile 1"
  only, never the emergency phone).
- One 6-digit code per distinct phone among them (principals sharing a phone share the code), stored as
  HMAC-SHA256(``SMS_CODE_HMAC_KEY``, order id + phone + code); the certificate suffix is kept the same way.
- The window starts when the codes are issued (the order's ``due_at`` in ``sms_verification``); a resend replaces
  that phone's code and does not extend it. Wrong entries count per order: 5 tolerated, the 6th ends the stage.
- Answers never say which part was wrong. Codes and certificate numbers are never logged.

The stage transitions themselves are ``bureau.services.sms_stage_complete`` / ``sms_stage_fail``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import secrets
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from beian.core.diff import diff_scope
from beian.core.errors import BeianError, ErrorItem, error
from beian.core.hotsql import (
    Table,
    hot_batch,
    hot_fetch,
    hot_later,
    hot_prefetch,
    hot_update,
    insert_many_statement,
    insert_statement,
    inserted,
    rows_insert_statement,
)

log = logging.getLogger("beian.sms")

# Wrong entries tolerated per order and SMS stage; the next one ends the stage (icp §4.2 "Attempts").
SMS_WRONG_TOLERATED = 5

# Code defaults when a rule row is missing (the data migration seeds the same table): order type ->
# (entity principal, website principal). QingCloud's table, icp §4.2.
DEFAULT_VERIFIERS = {
    "new_filing": (True, True), "add_website": (True, True), "add_access": (False, True),
    "change_entity": (True, False), "change_website": (False, True), "change_access": (False, False),
    "cancel_entity": (True, False), "cancel_website": (False, False), "cancel_access": (False, False),
}
DEFAULT_CHANGE_FILING = {"entity": (True, False), "website": (False, True), "entity_and_website": (True, True),
                         "access": (False, False)}

# Rate limits (requests, window seconds); override in settings.
RATE_DEFAULTS = {
    "BEIAN_SMS_VERIFY_PER_PHONE": (10, 600),
    "BEIAN_SMS_VERIFY_PER_ADDRESS": (30, 600),
    "BEIAN_SMS_RESEND_PER_PHONE": (3, 600),
    "BEIAN_SMS_RESEND_PER_ADDRESS": (10, 600),
}


def verification_failed() -> BeianError:
    """The one answer to every mismatch: never says whether the phone, the suffix or the code was wrong."""
    return error("SMS_VERIFICATION_FAILED", "核验失败，请检查输入的信息后重试。",
                 "Verification failed; check what you entered and try again.", status=400)


def nothing_pending() -> BeianError:
    return error("SMS_NOTHING_PENDING", "暂无待短信核验的备案申请。",
                 "There is no filing application waiting for SMS verification.", status=404)


class RateLimited(BeianError):
    """429 with a ``Retry-After`` (seconds) the API sets as a header."""

    def __init__(self, retry_after: int):
        super().__init__(errors=[ErrorItem(code="RATE_LIMITED", field=None,
                                           message_zh=f"操作过于频繁，请 {retry_after} 秒后再试。",
                                           message_en=f"Too many requests; try again in {retry_after} seconds.")],
                         status=429)
        self.retry_after = retry_after


# ---------------------------------------------------------------- normalisation and hashing


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def phone_normalize(value: str) -> str:
    """A mainland mobile as 11 digits (``+86``, ``0086``, spaces, hyphens accepted); anything else as typed."""
    text = _nfkc(value)
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("+86") or (digits.startswith("0086") and len(digits) == 15):
        digits = digits[2:] if text.startswith("+86") else digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) == 11 else text[:20]


def suffix_of(value: str) -> str:
    """The last 6 characters of a certificate number, upper case (an ID's check character ``x`` → ``X``)."""
    return _nfkc(value).replace(" ", "").upper()[-6:]


def _hmac(*parts) -> str:
    key = settings.SMS_CODE_HMAC_KEY.encode()
    return hmac.new(key, "\x1f".join(str(p) for p in parts).encode(), hashlib.sha256).hexdigest()


def code_hmac(*, order_id: int, phone: str, code: str) -> str:
    return _hmac("code", order_id, phone, code)


def suffix_hmac(*, order_id: int, phone: str, suffix: str) -> str:
    return _hmac("suffix", order_id, phone, suffix)


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


# ---------------------------------------------------------------- who verifies


def change_filing_scope(diff: list[dict]) -> str:
    """The 变更备案 sub-case of icp §4.2's table: entity | website | entity_and_website | access."""
    scope = diff_scope(diff)
    entity, website = "entity" in scope, "website" in scope
    if entity and website:
        return "entity_and_website"
    if entity:
        return "entity"
    if website:
        return "website"
    return "access"


@functools.cache
def _rules_cache():
    """The rule table, per process (core.tablecache): every approval reads it, operators edit it rarely."""
    from beian.bureau.models import SmsVerifierRule
    from beian.core.tablecache import TableCache

    cache = TableCache("beian:bureau:sms-verifier-rules", lambda: {
        (r.order_type, r.scope): (r.entity_principal, r.website_principal) for r in SmsVerifierRule.objects.all()})
    cache.watch(SmsVerifierRule)
    return cache


def sms_rule_for(order) -> tuple[bool, bool]:
    """(entity principal must verify, website principals must verify) for this order, from the rule table."""
    scope = change_filing_scope(order.diff) if order.type == "change_filing" else ""
    row = _rules_cache().get().get((order.type, scope))
    if row is not None:
        return row
    if order.type == "change_filing":
        return DEFAULT_CHANGE_FILING[scope]
    return DEFAULT_VERIFIERS.get(order.type, (False, False))


def _touched_websites(order) -> list[str]:
    keys: list[str] = []
    for entry in order.diff:
        path = entry["path"]
        if path.startswith("websites["):
            key = path[len("websites["): path.index("]")]
            if key not in keys:
                keys.append(key)
    return keys


def _removed_site_principal(order, key: str) -> dict | None:
    for entry in order.diff:
        if entry["path"] == f"websites[{key}]" and entry["op"] == "remove" and isinstance(entry.get("old"), dict):
            return entry["old"].get("principal")
    return None


def sms_verifiers(order) -> list[dict]:
    """The principals who must pass the SMS check (empty: straight to the bureau).

    Each: ``{"role": "entity"|"website", "website_key": str|None, "name", "phone", "certificate_number"}`` —
    the phone is the principal's mobile (never the emergency phone), taken from the proposed state.
    """
    entity_required, website_required = sms_rule_for(order)
    if not (entity_required or website_required):
        return []
    proposed = order.proposed or {}
    out: list[dict] = []

    def add(role: str, key: str | None, principal: dict | None) -> None:
        principal = principal or {}
        out.append({"role": role, "website_key": key, "name": principal.get("name", ""),
                    "phone": phone_normalize(principal.get("mobile", "")),
                    "certificate_number": principal.get("certificate_number", "")})

    if entity_required:
        add("entity", None, (proposed.get("entity") or {}).get("principal"))
    if website_required:
        sites = {w.get("key"): w for w in proposed.get("websites") or []}
        for key in _touched_websites(order):
            principal = sites[key].get("principal") if key in sites else _removed_site_principal(order, key)
            add("website", key, principal)
    return [v for v in out if v["phone"]]


# ---------------------------------------------------------------- codes


def _expires_text(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _code_context(*, challenge, code: str) -> dict:
    return {"code": code, "expires_at": _expires_text(challenge.session.window_ends_at),
            "seq": f"s{challenge.session_id}r{challenge.resend_count}"}


def _send_code(*, challenge, code: str) -> None:
    from beian.notify.services import sms_queue

    sms_queue(event="sms_code", phone=challenge.phone, order=challenge.order,
              context=_code_context(challenge=challenge, code=code))


@transaction.atomic(savepoint=False)  # called inside the provider approval's transaction: no savepoint needed
def sms_codes_issue(*, order, verifiers: list[dict] | None = None) -> list:
    """Open the order's SMS stage: one code per distinct phone, queued as SMS in the caller's transaction.

    Called (via ``bureau.services.sms_stage_codes``) after ``sms_stage_clock`` set ``order.due_at`` (the window end).
    ``verifiers``: ``sms_verifiers(order)`` if the caller has it already (default: computed here).
    Returns the challenges written (their ids are not read back).
    """
    from beian.bureau.models import SmsChallenge, SmsSession, SmsSessionStatus
    from beian.notify.models import Outbox
    from beian.notify.services import sms_rows

    now = timezone.now()
    # Prepared statements (core.hotsql), one round trip on PostgreSQL and the codes with the transaction's next
    # statement or its COMMIT: every approval to the SMS stage runs them.
    # An earlier open session is closed before the new one is written (one open session per order).
    window_end = order.due_at or now + dt.timedelta(hours=24)
    session = SmsSession(order=order, started_at=now, window_ends_at=window_end)
    _closed, rows = hot_batch([
        (f'UPDATE "{SmsSession._meta.db_table}" SET "status" = %s, "ended_at" = %s, "end_reason" = %s '
         'WHERE "order_id" = %s AND "status" = %s',
         [SmsSessionStatus.CLOSED, connection.ops.adapt_datetimefield_value(now), "reissued", order.pk,
          SmsSessionStatus.OPEN]),
        insert_statement(session)])
    inserted(session, rows)
    by_phone: dict[str, list[dict]] = {}
    for verifier in (sms_verifiers(order) if verifiers is None else verifiers):
        by_phone.setdefault(verifier["phone"], []).append(verifier)
    challenges, codes = [], []
    for phone, verifiers in by_phone.items():
        code = _new_code()
        principals = [{"role": v["role"], "website_key": v["website_key"], "name": v["name"],
                       "suffix_hmac": suffix_hmac(order_id=order.pk, phone=phone,
                                                  suffix=suffix_of(v["certificate_number"]))}
                      for v in verifiers]
        challenges.append(SmsChallenge(session=session, order=order, phone=phone, principals=principals,
                                       code_hmac=code_hmac(order_id=order.pk, phone=phone, code=code),
                                       issued_at=now))
        codes.append(code)
    # One insert for the challenges and one for their SMS (the same rows and keys as one by one), sent later together.
    messages = sms_rows(event="sms_code", order=order, messages=[
        (c.phone, _code_context(challenge=c, code=code)) for c, code in zip(challenges, codes, strict=True)])
    hot_later([insert_many_statement(challenges), *([rows_insert_statement(Outbox, messages, ignore_conflicts=True)]
                                                     if messages else [])])  # with the event's outbox rows
    log.info("sms stage opened: order %s, %d code(s)", order.pk, len(challenges))
    return challenges


def _open_challenges(phone: str):
    from beian.bureau.models import SmsChallenge, SmsSessionStatus
    from beian.orders.models import OrderState

    return (SmsChallenge.objects.select_related("session", "order")
            .filter(phone=phone, session__status=SmsSessionStatus.OPEN, order__state=OrderState.SMS_VERIFICATION))


_OPEN_FOR_PHONE = ('SELECT "c"."order_id" FROM "bureau_smschallenge" "c" INNER JOIN "bureau_smssession" "s" '
                   'ON "s"."id" = "c"."session_id" WHERE "c"."phone" = %s AND "s"."status" = %s')
# PostgreSQL: the ids first (an init plan), whatever the statistics say about how many orders wait in the SMS stage —
# a plan that starts from the orders in that state reads all of them.
_ORDERS_OPEN_FOR_PHONE = {"postgresql": f'"o"."id" = ANY(ARRAY({_OPEN_FOR_PHONE})) AND "o"."state" = %s',
                          "sqlite": f'"o"."id" IN ({_OPEN_FOR_PHONE}) AND "o"."state" = %s'}


@functools.cache
def _challenge_tables(vendor: str):
    from beian.bureau.models import SmsChallenge, SmsSession

    challenge, session = Table(SmsChallenge, "c"), Table(SmsSession, "s")
    if vendor == "postgresql":
        # From the orders' challenges (by index) to each one's session by its key: a LATERAL subquery that cannot be
        # pulled up (OFFSET 0). As a plain join, a generic plan hash-joins a scan of every session once the statistics
        # call the table small — a scan that grows with the table until they are refreshed.
        sql = (f'SELECT {challenge.select}, {session.select} FROM "bureau_smschallenge" "c" CROSS JOIN LATERAL '
               '(SELECT * FROM "bureau_smssession" "s" WHERE "s"."id" = "c"."session_id" AND "s"."status" = %s '
               f'OFFSET 0) "s" WHERE "c"."order_id" = ANY(ARRAY({_OPEN_FOR_PHONE})) ORDER BY "c"."id"')
    else:
        sql = (f'SELECT {challenge.select}, {session.select} FROM "bureau_smschallenge" "c" INNER JOIN '
               '"bureau_smssession" "s" ON "s"."id" = "c"."session_id" WHERE "s"."status" = %s AND "c"."order_id" '
               f'IN ({_OPEN_FOR_PHONE}) ORDER BY "c"."id"')
    return challenge, session, sql


def _challenges_read(phone: str) -> tuple[str, list]:
    """The open challenges (every phone) of the orders with an open challenge for ``phone`` — what the lock of
    ``sms_verify`` locks — as (sql, params): independent of the lock's result, so both go in one round trip."""
    from beian.bureau.models import SmsSessionStatus

    return _challenge_tables(connection.vendor)[2], [SmsSessionStatus.OPEN, phone, SmsSessionStatus.OPEN]


def _challenges_open(orders: dict, phone: str) -> list:
    """The open challenges (every phone) of the (locked) ``orders``, each with its session and order loaded, in
    one prepared statement: this phone's are checked, the others tell whether the stage is complete. (Read by the
    phone, as the lock found the orders; an order the lock did not take is left out.)"""
    from beian.bureau.models import SmsChallenge

    challenge_table, session_table, _sql = _challenge_tables(connection.vendor)
    out = []
    for row in hot_fetch(*_challenges_read(phone)):
        challenge = challenge_table.instance(row)
        if challenge.order_id not in orders:
            continue
        SmsChallenge.session.field.set_cached_value(challenge, session_table.instance(row, len(challenge_table)))
        SmsChallenge.order.field.set_cached_value(challenge, orders[challenge.order_id])
        out.append(challenge)
    return out


def _window_end(order, session):
    return order.due_at or session.window_ends_at


def _session_end(session, *, status: str, reason: str) -> None:
    session.status, session.ended_at, session.end_reason = status, timezone.now(), reason
    hot_update(session, ["status", "ended_at", "end_reason"], later=True)


def _fail(order, session, *, reason: str) -> None:
    from beian.bureau.models import SmsSessionStatus
    from beian.bureau.services import sms_stage_fail

    _session_end(session, status=SmsSessionStatus.FAILED, reason=reason)
    sms_stage_fail(order_id=order.pk, reason=reason)
    log.info("sms stage failed: order %s (%s)", order.pk, reason)


@dataclass(frozen=True)
class SmsVerifyResult:
    verified: bool
    pending_others: bool = False


@transaction.atomic
def sms_verify(*, phone: str, certificate_suffix: str, code: str) -> SmsVerifyResult:
    """Check one entry. Never raises for a mismatch (the wrong entry must be kept): the caller turns
    ``verified=False`` into the one generic error. A match verifies every principal on that phone's code;
    when the last code of the order is verified the order moves to the bureau."""
    from beian.bureau.models import SmsSessionStatus
    from beian.bureau.services import sms_stage_complete
    from beian.orders.locks import CONTENT, lock_statement, orders_locked
    from beian.orders.models import OrderState

    phone = phone_normalize(phone)
    suffix = suffix_of(certificate_suffix)
    code = _nfkc(code)
    if not phone:
        return SmsVerifyResult(verified=False)
    # Lock the orders with an open challenge for this phone (one statement, id order: no deadlocks), then read
    # their open challenges again under the lock. The province and applicant come along (not locked) for the stage
    # transition of the last code. Prepared statements (core.hotsql): this is the public page's busiest write.
    where = _ORDERS_OPEN_FOR_PHONE.get(connection.vendor, _ORDERS_OPEN_FOR_PHONE["sqlite"])
    params = [phone, SmsSessionStatus.OPEN, OrderState.SMS_VERIFICATION]
    # The SMS check reads no filing content (CONTENT is left unread).
    with hot_prefetch([lock_statement(where, params, defer=CONTENT), _challenges_read(phone)]):  # with the BEGIN
        orders = {o.pk: o for o in orders_locked(where, params, defer=CONTENT)}
        if not orders:
            return SmsVerifyResult(verified=False)
        everyone = _challenges_open(orders, phone)
    now = timezone.now()
    matched = []
    wrong = []
    for challenge in (c for c in everyone if c.phone == phone):
        order = orders[challenge.order_id]
        if _window_end(order, challenge.session) <= now:
            _fail(order, challenge.session, reason="timeout")
            continue
        code_ok = len(code) == 6 and hmac.compare_digest(
            challenge.code_hmac, code_hmac(order_id=order.pk, phone=phone, code=code))
        wanted = suffix_hmac(order_id=order.pk, phone=phone, suffix=suffix)
        suffix_ok = len(suffix) == 6 and any(hmac.compare_digest(p.get("suffix_hmac", ""), wanted)
                                             for p in challenge.principals)
        (matched if code_ok and suffix_ok else wrong).append(challenge)
    if not matched:
        for session_id in sorted({c.session_id for c in wrong}):
            challenge = next(c for c in wrong if c.session_id == session_id)
            session = challenge.session
            session.wrong_attempts += 1
            session.save(update_fields=["wrong_attempts"])
            if session.wrong_attempts > SMS_WRONG_TOLERATED:
                _fail(orders[challenge.order_id], session, reason="wrong_entries")
        return SmsVerifyResult(verified=False)
    pending_others = False
    for challenge in matched:
        if challenge.verified_at is None:
            challenge.verified_at = now
            hot_update(challenge, ["verified_at"], later=True)  # with the stage's next write, or the COMMIT
        session = challenge.session
        if any(c.session_id == session.pk and c.verified_at is None for c in everyone):
            pending_others = True
            continue
        _session_end(session, status=SmsSessionStatus.PASSED, reason="verified")
        sms_stage_complete(order_id=challenge.order_id, order=orders[challenge.order_id])
        log.info("sms stage passed: order %s", challenge.order_id)
    return SmsVerifyResult(verified=True, pending_others=pending_others)


@transaction.atomic
def sms_resend(*, phone: str, certificate_suffix: str) -> int:
    """Replace the code of each open, unverified challenge of this phone whose principal has this certificate
    suffix, and send it again; the window stays. Returns how many codes were sent (0: nothing pending)."""
    from beian.orders.models import Order

    phone = phone_normalize(phone)
    suffix = suffix_of(certificate_suffix)
    if not phone or len(suffix) != 6:
        return 0
    order_ids = sorted(set(_open_challenges(phone).filter(verified_at__isnull=True)
                           .values_list("order_id", flat=True)))
    orders = {o.pk: o for o in Order.objects.select_for_update().filter(pk__in=order_ids).order_by("pk")}
    now = timezone.now()
    sent = 0
    for challenge in _open_challenges(phone).filter(verified_at__isnull=True, order_id__in=list(orders)):
        order = orders[challenge.order_id]
        if _window_end(order, challenge.session) <= now:
            continue  # the timeout sweep ends it
        wanted = suffix_hmac(order_id=order.pk, phone=phone, suffix=suffix)
        if not any(hmac.compare_digest(p.get("suffix_hmac", ""), wanted) for p in challenge.principals):
            continue
        code = _new_code()
        challenge.code_hmac = code_hmac(order_id=order.pk, phone=phone, code=code)
        challenge.resend_count += 1
        challenge.save(update_fields=["code_hmac", "resend_count"])
        _send_code(challenge=challenge, code=code)
        sent += 1
    return sent


def sms_timeouts_fail(*, now=None) -> int:
    """Every order in ``sms_verification`` whose window ended goes back to the provider (reason ``timeout``)."""
    from beian.bureau.models import SmsSession, SmsSessionStatus
    from beian.bureau.services import sms_stage_fail
    from beian.core.sweeps import should_stop
    from beian.orders.models import Order, OrderState

    now = now or timezone.now()
    ids = list(Order.objects.filter(state=OrderState.SMS_VERIFICATION, due_at__lte=now)
               .order_by("due_at").values_list("pk", flat=True)[:500])
    count = 0
    for order_id in ids:
        if should_stop():
            break
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(pk=order_id).first()
            if order is None or order.state != OrderState.SMS_VERIFICATION or not order.due_at \
                    or order.due_at > now:
                continue
            session = SmsSession.objects.filter(order=order, status=SmsSessionStatus.OPEN).first()
            if session is not None:
                _session_end(session, status=SmsSessionStatus.FAILED, reason="timeout")
            sms_stage_fail(order_id=order.pk, reason="timeout")
            count += 1
    if count:
        log.info("sms timeouts: %d order(s) back to the provider", count)
    return count


# ---------------------------------------------------------------- reads


def sms_status(*, order) -> dict:
    """Who is pending / verified in the order's latest SMS stage, the window end and the wrong entries left."""
    from beian.bureau.models import SmsSession, SmsSessionStatus

    session = SmsSession.objects.filter(order=order).order_by("-id").first()
    if session is None:
        return {"order_id": order.pk, "order_state": order.state, "status": None, "window_ends_at": None,
                "wrong_attempts": 0, "attempts_left": SMS_WRONG_TOLERATED, "pending": 0, "principals": []}
    principals = []
    pending = 0
    for challenge in session.challenges.order_by("id"):
        pending += challenge.verified_at is None
        for p in challenge.principals:
            principals.append({"role": p["role"], "website_key": p.get("website_key"), "name": p.get("name", ""),
                               "phone": mask_phone(challenge.phone), "verified": challenge.verified_at is not None,
                               "verified_at": challenge.verified_at})
    status = session.status
    if status == SmsSessionStatus.OPEN and order.state != "sms_verification":
        status = SmsSessionStatus.CLOSED  # the stage was ended outside the SMS services
    return {"order_id": order.pk, "order_state": order.state, "status": status,
            "window_ends_at": session.window_ends_at, "wrong_attempts": session.wrong_attempts,
            "attempts_left": max(0, SMS_WRONG_TOLERATED - session.wrong_attempts), "pending": pending,
            "principals": principals}


# ---------------------------------------------------------------- rate limits


def client_address(request) -> str:
    """The client address as django-axes sees it (``X-Forwarded-For`` only behind a configured proxy)."""
    order = getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"])
    for name in order:
        value = request.META.get(name, "")
        if value:
            return value.split(",")[0].strip()[:64]
    return "unknown"


def rate_limit_hit(*, name: str, ident: str, setting: str) -> None:
    """Count one request of ``ident`` in a fixed window; raise :class:`RateLimited` when over the limit.

    The counter lives in the shared cache (database cache by default, Redis when configured): ``add`` creates the
    window's key, ``incr`` counts (atomic on Redis; on the database cache a race may undercount by a few).
    """
    limit, window = getattr(settings, setting, RATE_DEFAULTS[setting])
    now = time.time()
    bucket = int(now // window)
    digest = hashlib.sha256(f"{name}:{ident}".encode()).hexdigest()[:32]
    key = f"beian:rl:{name}:{digest}:{bucket}"
    ttl = window + 5
    if cache.add(key, 1, timeout=ttl):
        count = 1
    else:
        try:
            count = cache.incr(key)
            cache.touch(key, ttl)  # the database cache's incr re-sets the default timeout
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=ttl)
            count = 1
    if count > limit:
        raise RateLimited(retry_after=max(1, int((bucket + 1) * window - now) + 1))
