"""Materials API (mounted at /api/materials/): requirements, uploads, signed file links, agreements, evidence.

Uploads are the raw request body (``POST /api/materials/upload?filename=…&order_id=…&code=…``, any
Content-Type): the server sniffs the real type itself, sees the file name exactly as sent (Django's multipart
parser would silently strip ``../`` and control characters) and refuses an oversized body by its
Content-Length before reading it. Thin handlers: the work is in services and selectors.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, unquote_plus, unquote_to_bytes

from django.conf import settings
from django.http import HttpResponse
from ninja import Router, Schema

from beian.core.errors import error, forbidden, not_found
from beian.materials import selectors, services
from beian.materials.files import max_bytes
from beian.materials.models import AgreementSignature
from beian.orders.selectors import order_get

router = Router(tags=["materials"])


class MaterialOut(Schema):
    id: int
    order_id: int | None
    code: str
    website_key: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    superseded: bool
    check_status: str
    checked_at: dt.datetime | None
    check_findings: list[dict]
    legibility: dict | None
    created_at: dt.datetime

    @staticmethod
    def resolve_legibility(obj) -> dict | None:
        return (obj.check_data or {}).get("legibility")


class RequirementOut(Schema):
    code: str
    website_key: str
    name_zh: str
    name_en: str
    reason_zh: str
    reason_en: str
    source: str
    origin: str
    signed_in_app: bool
    met: bool
    material_id: int | None


class CatalogueRowOut(Schema):
    id: int
    code: str
    order_types: list[str]
    entity_kind: str
    provinces: list[str]
    path: str
    ops: list[str]
    condition: str
    waive: bool
    reason_zh: str
    reason_en: str
    source: str
    active: bool


class AttachIn(Schema):
    order_id: int
    code: str
    website_key: str = ""


class LinkOut(Schema):
    url: str
    expires_at: dt.datetime


class AgreementOut(Schema):
    code: str
    version: str
    title: str
    body: str
    text: str | None = None
    text_sha256: str | None = None


class SignIn(Schema):
    code: str
    version: str
    text_sha256: str


class SignatureOut(Schema):
    id: int
    order_id: int
    code: str
    version: str
    signer_name: str
    sha256: str
    client_ip: str | None
    signed_at: dt.datetime


def _signature_out(s: AgreementSignature) -> SignatureOut:
    return SignatureOut(id=s.pk, order_id=s.order_id, code=s.agreement.code, version=s.agreement.version,
                        signer_name=s.signer_name, sha256=s.sha256, client_ip=s.client_ip, signed_at=s.signed_at)


def _raw_query_value(request, name: str) -> bytes | None:
    """A query value's bytes exactly as sent (percent-decoded, not charset-decoded)."""
    for part in request.META.get("QUERY_STRING", "").split("&"):
        key, _, value = part.partition("=")
        if unquote_plus(key) == name:
            return unquote_to_bytes(value.replace("+", " ").encode("latin-1", "replace"))
    return None


def _client_ip(request) -> str | None:
    for key in settings.AXES_IPWARE_META_PRECEDENCE_ORDER:
        value = request.META.get(key, "")
        if value:
            return value.split(",")[0].strip() or None
    return None


def _read_body(request) -> bytes:
    limit = max_bytes()
    too_large = error("MATERIAL_TOO_LARGE", f"文件超过 {limit // (1024 * 1024)} MB。",
                      f"The file is larger than {limit // (1024 * 1024)} MB.", field="file", status=413)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise too_large
    data = request.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return data


@router.post("/upload", response={201: MaterialOut}, summary="上传材料（请求体即文件）")
def material_upload(request, filename: str, order_id: int | None = None, code: str = "", website_key: str = ""):
    if not request.user.is_applicant:
        raise forbidden()
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise error("MATERIAL_RAW_BODY_REQUIRED", "请直接以请求体发送文件内容（不要使用表单编码）。",
                    "Send the file's bytes as the request body, not form-encoded.", field="file", status=415)
    raw_name = _raw_query_value(request, "filename") or b""
    data = _read_body(request)
    material = services.material_upload(user=request.user, data=data, filename=raw_name, order_id=order_id,
                                        code=code, website_key=website_key)
    return 201, material


@router.get("/catalogue", response=list[CatalogueRowOut], summary="材料要求目录")
def catalogue(request):
    if not request.user.is_staff_role:
        raise forbidden()
    return list(selectors.requirement_catalogue(user=request.user))


@router.get("/orders/{order_id}/requirements", response=list[RequirementOut], summary="订单所需材料")
def order_requirements(request, order_id: int):
    order = order_get(user=request.user, order_id=order_id)
    return selectors.requirement_status(order=order)


@router.get("/orders/{order_id}/materials", response=list[MaterialOut], summary="订单的材料与机器检查结果")
def order_materials(request, order_id: int):
    order = order_get(user=request.user, order_id=order_id)
    return list(selectors.materials_of_order(order=order))


@router.get("/orders/{order_id}/evidence", summary="导出证据包（ZIP）")
def order_evidence(request, order_id: int):
    order = order_get(user=request.user, order_id=order_id)
    data = services.evidence_archive(user=request.user, order=order)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="beian-order-{order.pk}-evidence.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/orders/{order_id}/agreements", response=list[SignatureOut], summary="订单的协议签署记录")
def order_agreements(request, order_id: int):
    order = order_get(user=request.user, order_id=order_id)
    return [_signature_out(s) for s in selectors.signatures_of_order(order=order)]


@router.post("/orders/{order_id}/agreements", response={201: SignatureOut}, summary="在线签署协议")
def order_agreement_sign(request, order_id: int, payload: SignIn):
    order_get(user=request.user, order_id=order_id)
    signature = services.agreement_sign(user=request.user, order_id=order_id, code=payload.code,
                                        version=payload.version, text_sha256=payload.text_sha256,
                                        client_ip=_client_ip(request),
                                        user_agent=request.META.get("HTTP_USER_AGENT", ""))
    return 201, _signature_out(signature)


@router.get("/agreements/{code}", response=AgreementOut, summary="协议当前版本（order_id 给出待签署全文及其摘要）")
def agreement_current(request, code: str, order_id: int | None = None):
    import hashlib

    agreement = services.agreement_current(code=code)
    out = AgreementOut(code=agreement.code, version=agreement.version, title=agreement.title, body=agreement.body)
    if order_id is not None:
        order = order_get(user=request.user, order_id=order_id)
        signer = (order.proposed.get("entity") or {}).get("name") or order.applicant.get_username()
        out.text = services.agreement_full_text(agreement=agreement, order=order, signer_name=signer)
        out.text_sha256 = hashlib.sha256(out.text.encode("utf-8")).hexdigest()
    return out


@router.get("/signatures/{signature_id}/pdf", summary="已签署协议的 PDF")
def signature_pdf(request, signature_id: int):
    signature = AgreementSignature.objects.select_related("agreement").filter(pk=signature_id).first()
    if signature is None:
        raise not_found("签署记录", "signature")
    order_get(user=request.user, order_id=signature.order_id)
    response = HttpResponse(services.agreement_pdf(signature=signature), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="agreement-{signature.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/files/{token}", summary="通过签名链接下载材料（短时有效，仅限本人）")
def material_file(request, token: str):
    material, data, content_type, name = services.material_open(user=request.user, token=token)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/{material_id}", response=MaterialOut, summary="材料详情")
def material_detail(request, material_id: int):
    return selectors.material_get(user=request.user, material_id=material_id)


@router.post("/{material_id}/attach", response=MaterialOut, summary="将未关联的上传关联到订单")
def material_attach(request, material_id: int, payload: AttachIn):
    selectors.material_get(user=request.user, material_id=material_id)
    return services.material_attach(user=request.user, material_id=material_id, order_id=payload.order_id,
                                    code=payload.code, website_key=payload.website_key)


@router.post("/{material_id}/link", response=LinkOut, summary="生成短时签名链接")
def material_link(request, material_id: int, original: bool = False):
    url, expires = services.material_link(user=request.user, material_id=material_id,
                                          variant="original" if original else "display")
    return LinkOut(url=url, expires_at=expires)
