"""Every write of the materials app: uploads, attaching, signed links, machine checks, agreements, purges.

Files go to the private ``materials`` storage (``STORAGES["materials"]``: filesystem by default, S3-compatible
when configured) under random names; a refused upload writes nothing. Rows and files are written together:
a failed row write deletes the file it had just stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import uuid
import zipfile

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from beian.core.errors import conflict, error, forbidden, not_found
from beian.core.requirements import REQUIREMENT_CODES
from beian.materials.catalogue import SIGNED_IN_APP
from beian.materials.files import inspect_upload
from beian.materials.models import AgreementSignature, AgreementText, CheckStatus, Material
from beian.materials.selectors import material_get
from beian.orders.models import Order, OrderState

log = logging.getLogger("beian.materials")
LINK_SALT = "beian.materials.link"
UPLOAD_STATES = {OrderState.DRAFT, OrderState.RETURNED, OrderState.SUPPLEMENT_REQUESTED}
ENDED_UNAPPROVED = {OrderState.REJECTED, OrderState.WITHDRAWN, OrderState.EXPIRED}


def storage():
    return storages["materials"]


def _conf(name: str):
    return settings.BEIAN_MATERIALS[name]


# ---------------------------------------------------------------- upload


def _target(*, user, order_id: int | None, code: str, website_key: str) -> Order | None:
    """Check where an upload goes before the bytes are looked at."""
    if code and code not in REQUIREMENT_CODES:
        raise error("MATERIAL_CODE_UNKNOWN", "未知的材料类型。", "Unknown material code.", field="code", status=422)
    if code in SIGNED_IN_APP:
        raise error("MATERIAL_SIGNED_IN_APP", "该材料在线签署，无需上传。",
                    "This material is signed in the app, not uploaded.", field="code", status=422)
    if order_id is None:
        return None
    order = Order.objects.select_for_update().filter(pk=order_id, applicant=user).first()
    if order is None:
        raise not_found("订单", "order")
    if order.state not in UPLOAD_STATES:
        raise conflict("MATERIAL_ORDER_NOT_EDITABLE", "当前状态下不能为该订单上传材料。",
                       "Materials cannot be uploaded to the order in its current state.")
    if not code:
        raise error("MATERIAL_CODE_REQUIRED", "请指明材料类型。", "Name the material code.", field="code", status=422)
    if website_key and not any(w.get("key") == website_key for w in order.proposed.get("websites", [])):
        raise error("MATERIAL_WEBSITE_UNKNOWN", "订单中没有该网站。", "The order has no such website.",
                    field="website_key", status=422)
    return order


def _store(data: bytes, extension: str) -> str:
    now = timezone.now()
    name = f"m/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"
    saved = storage().save(name, ContentFile(data))
    return saved


def _read_object(name: str) -> bytes | None:
    try:
        with storage().open(name, "rb") as fh:
            return fh.read()
    except Exception:  # noqa: BLE001 - missing on the filesystem (OSError) or in the bucket (ClientError)
        log.warning("material object %s could not be read", name)
        return None


def _delete_files(*names: str) -> None:
    for name in names:
        if name:
            try:
                storage().delete(name)
            except Exception:  # noqa: BLE001 - the purge retries; never let cleanup hide the real error
                log.warning("could not delete material object %s", name)


def material_upload(*, user, data: bytes, filename: bytes | str, order_id: int | None = None, code: str = "",
                    website_key: str = "") -> Material:
    """Inspect, store and record one upload; refused uploads leave no file and no row."""
    if not user.is_applicant:
        raise forbidden()
    with transaction.atomic():
        _target(user=user, order_id=order_id, code=code, website_key=website_key)
    inspected = inspect_upload(data, filename)
    stored: list[str] = []
    try:
        stored.append(_store(inspected.data, inspected.extension))
        if inspected.display is not None:
            stored.append(_store(inspected.display, "jpg"))
        with transaction.atomic():
            order = _target(user=user, order_id=order_id, code=code, website_key=website_key)
            if order is not None:
                Material.objects.filter(order=order, code=code, website_key=website_key,
                                        superseded=False).update(superseded=True)
            material = Material.objects.create(
                owner=user, order=order, code=code, website_key=website_key if order else "",
                original_name=inspected.name, content_type=inspected.content_type, size=len(inspected.data),
                sha256=inspected.sha256, storage_name=stored[0], display_name=stored[1] if len(stored) > 1 else "",
                width=inspected.width, height=inspected.height)
            if order is not None:
                Order.objects.filter(pk=order.pk).update(last_edited_at=timezone.now())
    except BaseException:
        _delete_files(*stored)
        raise
    return material


@transaction.atomic
def material_attach(*, user, material_id: int, order_id: int, code: str, website_key: str = "") -> Material:
    """Put an unclaimed upload on one of the applicant's orders."""
    material = Material.objects.select_for_update().filter(pk=material_id, owner=user).first()
    if material is None:
        raise not_found("材料", "material")
    if material.order_id is not None:
        raise conflict("MATERIAL_ALREADY_ATTACHED", "该材料已关联订单。", "The material already belongs to an order.")
    order = _target(user=user, order_id=order_id, code=code, website_key=website_key)
    Material.objects.filter(order=order, code=code, website_key=website_key, superseded=False).update(superseded=True)
    material.order, material.code, material.website_key = order, code, website_key
    material.check_status, material.check_findings, material.check_data = CheckStatus.PENDING, [], {}
    material.save()
    return material


# ---------------------------------------------------------------- signed links


def material_link(*, user, material_id: int, variant: str = "display") -> tuple[str, dt.datetime]:
    """A short-lived link to the file, valid for this user only."""
    material = material_get(user=user, material_id=material_id)
    token = signing.dumps({"m": material.pk, "u": user.pk, "v": "original" if variant == "original" else "display"},
                          salt=LINK_SALT, compress=True)
    expires = timezone.now() + dt.timedelta(seconds=_conf("LINK_SECONDS"))
    return f"/api/materials/files/{token}", expires


def material_open(*, user, token: str) -> tuple[Material, bytes, str, str]:
    """Resolve a signed link: 403 when expired, 404 for anyone but the user it was made for."""
    from beian.registry.models import StaffViewLog

    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=_conf("LINK_SECONDS"))
    except signing.SignatureExpired:
        raise error("MATERIAL_LINK_EXPIRED", "链接已过期，请重新打开材料。",
                    "The link has expired; open the material again.", status=403) from None
    except signing.BadSignature:
        raise not_found("材料", "material") from None
    if not isinstance(payload, dict) or payload.get("u") != user.pk:
        raise not_found("材料", "material")
    material = material_get(user=user, material_id=payload.get("m"))
    name = material.display_name if payload.get("v") == "display" and material.display_name else material.storage_name
    data = _read_object(name)
    if data is None:
        raise error("MATERIAL_FILE_MISSING", "材料文件已不存在（可能已按保存期限清理）。",
                    "The material's file no longer exists (removed after its retention period?).", status=404)
    content_type = "image/jpeg" if name == material.display_name else material.content_type
    if user.is_staff_role:
        order = material.order
        StaffViewLog.objects.create(user=user, entity_id=order.entity_id if order else None,
                                    order_id=material.order_id, what=f"material:{material.pk}")
    filename = material.original_name if name == material.storage_name else material.original_name.rsplit(".", 1)[
        0] + ".jpg"
    return material, data, content_type, filename


# ---------------------------------------------------------------- machine checks (worker)

CHECK_LEASE = dt.timedelta(minutes=10)


def _claim_for_check(now: dt.datetime) -> Material | None:
    from django.db.models import Q

    stale = now - CHECK_LEASE
    candidates = (Material.objects.filter(Q(check_status=CheckStatus.PENDING)
                                          | Q(check_status=CheckStatus.RUNNING, check_started_at__lt=stale))
                  .order_by("id").values_list("pk", "check_status", "check_started_at")[:10])
    for pk, status, started in candidates:
        claimed = Material.objects.filter(pk=pk, check_status=status, check_started_at=started).update(
            check_status=CheckStatus.RUNNING, check_started_at=now)
        if claimed:
            return Material.objects.select_related("order").get(pk=pk)
    return None


def material_check(*, material: Material) -> Material:
    """Run the machine checks of one material and store the findings (the worker calls this)."""
    from PIL import Image, ImageOps

    from beian.core.state import FilingState
    from beian.materials import checks

    with storage().open(material.display_name or material.storage_name, "rb") as fh:
        data = fh.read()
    proposed = FilingState.model_validate(material.order.proposed) if material.order_id else None
    if material.content_type == "application/pdf":
        findings, extra = checks.check_pdf(data, code=material.code)
    else:
        if material.content_type == "image/heic" and not material.display_name:
            import pillow_heif

            pillow_heif.register_heif_opener()
        img = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
        findings, extra = checks.check_image(img, code=material.code, proposed=proposed,
                                             website_key=material.website_key)
    for f in findings:
        f["field"] = f["field"] or f"materials[{material.pk}]"
    Material.objects.filter(pk=material.pk).update(check_status=CheckStatus.DONE, checked_at=timezone.now(),
                                                   check_findings=findings, check_data=extra)
    material.refresh_from_db()
    return material


def materials_check_pending(*, limit: int = 4, stop=None) -> int:
    """Claim and check up to ``limit`` materials (pending, or running with an expired lease)."""
    done = 0
    while done < limit and not (stop and stop()):
        material = _claim_for_check(timezone.now())
        if material is None:
            break
        try:
            material_check(material=material)
        except Exception:  # noqa: BLE001 - a broken file must not stop the worker
            log.exception("machine check of material %s failed", material.pk)
            Material.objects.filter(pk=material.pk).update(check_status=CheckStatus.FAILED,
                                                           checked_at=timezone.now())
        done += 1
    return done


# ---------------------------------------------------------------- agreements


def agreement_current(*, code: str) -> AgreementText:
    text = AgreementText.objects.filter(code=code, active=True).order_by("-id").first()
    if text is None:
        raise not_found("协议", "agreement")
    return text


def agreement_full_text(*, agreement: AgreementText, order: Order, signer_name: str) -> str:
    """Exactly what is signed (and hashed): title, version, order, signer and body."""
    return (f"{agreement.title}\n版本 Version: {agreement.version}\n订单 Order: #{order.pk}\n"
            f"签署人 Signer: {signer_name}\n\n{agreement.body.strip()}\n")


@transaction.atomic
def agreement_sign(*, user, order_id: int, code: str, version: str, text_sha256: str, client_ip: str | None,
                   user_agent: str = "") -> AgreementSignature:
    """Sign the current version of an agreement for an order; the client confirms the hash of what it showed."""
    order = Order.objects.select_for_update().filter(pk=order_id, applicant=user).first()
    if order is None:
        raise not_found("订单", "order")
    if order.state not in UPLOAD_STATES:
        raise conflict("MATERIAL_ORDER_NOT_EDITABLE", "当前状态下不能为该订单签署协议。",
                       "Agreements cannot be signed for the order in its current state.")
    agreement = agreement_current(code=code)
    if agreement.version != version:
        raise conflict("AGREEMENT_VERSION_OUTDATED", "协议已更新，请阅读新版本后再签署。",
                       "The agreement has a new version; read it and sign again.")
    entity_name = (order.proposed.get("entity") or {}).get("name") or user.get_username()
    text = agreement_full_text(agreement=agreement, order=order, signer_name=entity_name)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if text_sha256.lower() != digest:
        raise error("AGREEMENT_HASH_MISMATCH", "签署的文本与当前协议不一致，请刷新后重新签署。",
                    "The signed text differs from the agreement; reload and sign again.", field="text_sha256",
                    status=422)
    return AgreementSignature.objects.create(order=order, agreement=agreement, signer=user, signer_name=entity_name,
                                             text=text, sha256=digest, client_ip=client_ip or None,
                                             user_agent=user_agent[:300], signed_at=timezone.now())


def agreement_pdf(*, signature: AgreementSignature) -> bytes:
    """A PDF of the signed agreement; Chinese set in the CID font STSong-Light (no font file needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle(signature.agreement.title)
    width, height = A4
    y = height - 60

    def line(text: str, size: int = 11) -> None:
        nonlocal y
        pdf.setFont("STSong-Light", size)
        while text:
            chunk, text = text[:40], text[40:]
            if y < 60:
                pdf.showPage()
                y = height - 60
                pdf.setFont("STSong-Light", size)
            pdf.drawString(50, y, chunk)
            y -= size + 7

    body = signature.text.splitlines()
    line(body[0], 16)
    for text in body[1:]:
        line(text)
    y -= 10
    signed_at = timezone.localtime(signature.signed_at)
    line(f"签署时间 Signed at: {signed_at:%Y-%m-%d %H:%M:%S} (UTC+8)")
    line(f"客户端地址 Client address: {signature.client_ip or '-'}")
    line(f"文本摘要 SHA-256: {signature.sha256[:32]}")
    line(f"              {signature.sha256[32:]}")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


# ---------------------------------------------------------------- evidence and retention


def evidence_archive(*, user, order: Order) -> bytes:
    """One ZIP of the order's evidence set (icp §3.3): materials, checks, agreements, identity verification."""
    from beian.orders.models import IdentityVerification
    from beian.registry.models import StaffViewLog

    if not user.is_staff_role:
        raise forbidden()
    materials = list(Material.objects.filter(order=order).order_by("id"))
    signatures = list(AgreementSignature.objects.filter(order=order).select_related("agreement").order_by("id"))
    identities = list(IdentityVerification.objects.filter(order=order).order_by("id"))
    manifest = {
        "order": {"id": order.pk, "type": order.type, "state": order.state, "entity_id": order.entity_id,
                  "submitted_at": order.submitted_at.isoformat() if order.submitted_at else None,
                  "ended_at": order.ended_at.isoformat() if order.ended_at else None, "proposed": order.proposed,
                  "diff": order.diff},
        "materials": [], "agreements": [], "identity_verifications": [],
        "exported_by": user.get_username(), "exported_at": timezone.now().isoformat(),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for m in materials:
            path = f"materials/{m.pk}-{m.code or 'unclassified'}.{m.storage_name.rsplit('.', 1)[-1]}"
            data = _read_object(m.storage_name)
            if data is None:
                path = None
            else:
                archive.writestr(path, data)
            manifest["materials"].append({
                "id": m.pk, "file": path, "code": m.code, "website_key": m.website_key, "sha256": m.sha256,
                "original_name": m.original_name, "content_type": m.content_type, "size": m.size,
                "superseded": m.superseded, "uploaded_at": m.created_at.isoformat(), "check_status": m.check_status,
                "check_findings": m.check_findings, "check_data": m.check_data})
        for s in signatures:
            path = f"agreements/{s.pk}-{s.agreement.code}.pdf"
            archive.writestr(path, agreement_pdf(signature=s))
            manifest["agreements"].append({
                "id": s.pk, "file": path, "code": s.agreement.code, "version": s.agreement.version,
                "signer": s.signer_name, "signed_at": s.signed_at.isoformat(), "client_ip": s.client_ip,
                "sha256": s.sha256, "text": s.text})
        for i in identities:
            manifest["identity_verifications"].append({
                "id": i.pk, "website_key": i.website_key, "principal_name": i.principal_name, "backend": i.backend,
                "passed": i.passed, "evidence": i.evidence, "at": i.created_at.isoformat()})
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, default=str))
    StaffViewLog.objects.create(user=user, entity_id=order.entity_id, order_id=order.pk, what="evidence_export")
    return out.getvalue()


def materials_purge(*, now: dt.datetime | None = None) -> int:
    """Delete unclaimed uploads, materials of abandoned orders and (when configured) expired evidence."""
    now = now or timezone.now()
    doomed = list(Material.objects.filter(order__isnull=True,
                                          created_at__lt=now - dt.timedelta(hours=_conf("UNCLAIMED_HOURS"))))
    doomed += list(Material.objects.filter(order__state__in=ENDED_UNAPPROVED,
                                           order__ended_at__lt=now - dt.timedelta(days=_conf("ABANDONED_DAYS"))))
    if _conf("EVIDENCE_DAYS"):
        doomed += list(Material.objects.filter(order__state=OrderState.APPROVED,
                                               order__ended_at__lt=now - dt.timedelta(days=_conf("EVIDENCE_DAYS"))))
    count = 0
    for material in doomed:
        _delete_files(material.storage_name, material.display_name)
        Material.objects.filter(pk=material.pk).delete()
        count += 1
    return count
