"""Test documents rendered with Pillow and Debian's fonts-noto-cjk: licences and ID cards, clean and degraded."""

from __future__ import annotations

import io
import os

import pytest

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_INDEX = 2  # the simplified-Chinese face in the collection


def require_font() -> None:
    if os.path.exists(FONT):
        return
    message = f"fonts-noto-cjk is not installed ({FONT} missing): cannot render Chinese test documents"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(FONT, size, index=FONT_INDEX)


def licence(name: str, code: str, *, size=(1600, 1000)):
    """A business licence (营业执照) with the name and the unified social credit code."""
    from PIL import Image, ImageDraw

    require_font()
    w, h = size
    img = Image.new("RGB", size, (246, 242, 230))
    d = ImageDraw.Draw(img)
    d.rectangle([20, 20, w - 20, h - 20], outline=(150, 40, 40), width=8)
    d.text((w // 2 - 200, 60), "营业执照", font=_font(90), fill=(170, 20, 20))
    rows = [f"统一社会信用代码 {code}", f"名称 {name}", "类型 有限责任公司（自然人投资或控股）", "法定代表人 王建国",
            "经营范围 网络技术开发、技术服务", "住所 浙江省杭州市西湖区文三路 90 号"]
    for i, row in enumerate(rows):
        d.text((110, 250 + i * 105), row, font=_font(42), fill=(20, 20, 20))
    d.text((w - 520, h - 150), "登记机关 杭州市市场监督管理局", font=_font(30), fill=(60, 60, 60))
    return img


def id_front(name: str, number: str, *, size=(1200, 760)):
    from PIL import Image, ImageDraw

    require_font()
    img = Image.new("RGB", size, (225, 235, 240))
    d = ImageDraw.Draw(img)
    rows = [f"姓名 {name}", "性别 男   民族 汉", "出生 1983 年 3 月 1 日", "住址 浙江省杭州市西湖区文三路 90 号"]
    for i, row in enumerate(rows):
        d.text((80, 80 + i * 110), row, font=_font(44), fill=(10, 10, 10))
    d.text((80, 600), f"公民身份号码 {number}", font=_font(48), fill=(10, 10, 10))
    d.rectangle([860, 90, 1120, 420], fill=(190, 200, 210))
    return img


def id_back(valid_from: str, valid_to: str, *, size=(1200, 760)):
    from PIL import Image, ImageDraw

    require_font()
    img = Image.new("RGB", size, (230, 238, 232))
    d = ImageDraw.Draw(img)
    d.text((300, 120), "中华人民共和国", font=_font(64), fill=(10, 10, 10))
    d.text((380, 230), "居民身份证", font=_font(64), fill=(10, 10, 10))
    d.text((120, 480), "签发机关 杭州市公安局西湖分局", font=_font(42), fill=(10, 10, 10))
    d.text((120, 580), f"有效期限 {valid_from}-{valid_to}", font=_font(42), fill=(10, 10, 10))
    return img


def rotated(img, degrees: float = 4):
    return img.rotate(degrees, expand=True, fillcolor=(120, 120, 120))


def blurred(img, radius: float = 9):
    from PIL import ImageFilter

    return img.filter(ImageFilter.GaussianBlur(radius))


def jpeg_bytes(img, quality: int = 85) -> bytes:
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def png_bytes(img) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def compressed(img, quality: int = 20):
    from PIL import Image

    return Image.open(io.BytesIO(jpeg_bytes(img, quality)))
