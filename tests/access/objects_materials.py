"""Access objects of the materials app: a material on the owner's order at the bureau (with a stored file), an
unclaimed upload of the owner, a signed agreement, and a signed file link made for the owner."""

from __future__ import annotations

from tests.access.harness import access_object

HARNESS_OBJECT = "m/access-harness.jpg"


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 160)).save(out, "JPEG")
    return out.getvalue()


def _material(world, order) -> object:
    import hashlib

    from django.core.files.base import ContentFile

    from beian.materials.models import Material
    from beian.materials.services import storage

    data = _jpeg()
    if not storage().exists(HARNESS_OBJECT):
        storage().save(HARNESS_OBJECT, ContentFile(data))
    return Material.objects.create(owner=world.user("owner"), order=order, code="entity_certificate" if order else "",
                                   original_name="licence.jpg", content_type="image/jpeg", size=len(data),
                                   sha256=hashlib.sha256(data).hexdigest(),
                                   storage_name=HARNESS_OBJECT if order else f"m/loose-{order}.jpg", width=64,
                                   height=48)


@access_object("material_bureau")
def material_bureau(world):
    return _material(world, world.get("order_bureau_review"))


@access_object("material_loose")
def material_loose(world):
    return _material(world, None)


@access_object("material_owner_link")
def material_owner_link(world):
    """The token of a signed link to ``material_bureau`` made for the owner."""
    from beian.materials.services import material_link

    url, _ = material_link(user=world.user("owner"), material_id=world.get("material_bureau").pk)
    return url.rsplit("/", 1)[-1]


@access_object("signature_bureau")
def signature_bureau(world):
    from django.utils import timezone

    from beian.materials.models import AgreementSignature, AgreementText

    agreement = AgreementText.objects.get(code="service_security_agreement", active=True)
    return AgreementSignature.objects.create(order=world.get("order_bureau_review"), agreement=agreement,
                                             signer=world.user("owner"), signer_name="杭州示例科技有限公司",
                                             text="协议全文", sha256="0" * 64, client_ip="127.0.0.1",
                                             signed_at=timezone.now())
