"""Inspect an upload before anything is stored: name, real type, extension, size, pixels, polyglots, PDF content.

:func:`inspect_upload` either returns an :class:`Inspected` (the bytes to keep, the sniffed type, the image
size and an optional derived JPEG) or raises a :class:`BeianError` with a stable code — nothing is written
before it returns. Pure functions: no database, no storage.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings

from beian.core.errors import BeianError, error

ALLOWED = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf", "image/heic": "heic",
           "image/heif": "heic"}
EXTENSIONS = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf",
              "heic": "image/heic", "heif": "image/heic"}
# Names in a PDF that mean active or embedded content (PDF 1.7 §12.6, §7.11.4, XFA).
PDF_FORBIDDEN = {"/JavaScript", "/JS", "/EmbeddedFile", "/EmbeddedFiles", "/Launch", "/RichMedia", "/XFA",
                 "/SubmitForm", "/ImportData", "/GoToE"}
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
MAX_PDF_PAGES = 50


@dataclass
class Inspected:
    data: bytes
    content_type: str
    extension: str
    sha256: str
    name: str
    width: int | None = None
    height: int | None = None
    display: bytes | None = None  # a JPEG with orientation applied (HEIC converted, EXIF-rotated photos)


def _refuse(code: str, zh: str, en: str, *, field: str | None = "file", status: int = 422) -> BeianError:
    return error(code, zh, en, field=field, status=status)


def max_bytes() -> int:
    return settings.BEIAN_MATERIALS["MAX_BYTES"]


def clean_filename(raw: bytes | str) -> str:
    """The upload's name as sent: valid UTF-8, no path parts, no control characters, a sane length."""
    bad = _refuse("MATERIAL_FILENAME_INVALID", "文件名不合法：请使用不含路径、控制字符的 UTF-8 文件名。",
                  "Invalid file name: use a UTF-8 name without path parts or control characters.", field="filename")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise bad from None
    name = unicodedata.normalize("NFC", raw).strip()
    if not name or len(name) > 150 or "\ufffd" in name:
        raise bad
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") for ch in name):
        raise bad
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name or ":" in name:
        raise bad
    return name


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff(data: bytes) -> str:
    import magic

    return magic.from_buffer(data[:16384], mime=True)


def jpeg_end(data: bytes) -> int:
    """Offset just after the JPEG's end-of-image marker, walking segments and entropy-coded data."""
    corrupt = _refuse("MATERIAL_CORRUPT", "图片文件已损坏或不完整。", "The image is damaged or incomplete.")
    n = len(data)
    if data[:2] != b"\xff\xd8":
        raise corrupt
    i = 2
    while i < n:
        if data[i] != 0xFF:
            raise corrupt
        while i < n and data[i] == 0xFF:
            i += 1
        if i >= n:
            break
        marker = data[i]
        i += 1
        if marker == 0xD9:
            return i
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            continue
        if i + 2 > n:
            break
        length = int.from_bytes(data[i:i + 2], "big")
        if length < 2:
            raise corrupt
        i += length
        if marker == 0xDA:  # start of scan: skip entropy-coded data up to the next real marker
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= n:
                    raise corrupt
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    i = j + 2
                    continue
                if following == 0xFF:
                    i = j + 1
                    continue
                i = j
                break
    raise corrupt


def png_end(data: bytes) -> int:
    corrupt = _refuse("MATERIAL_CORRUPT", "图片文件已损坏或不完整。", "The image is damaged or incomplete.")
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise corrupt
    i, n = 8, len(data)
    while i + 8 <= n:
        length = int.from_bytes(data[i:i + 4], "big")
        kind = data[i + 4:i + 8]
        i += 12 + length
        if kind == b"IEND":
            if i > n:
                raise corrupt
            return i
    raise corrupt


def _no_trailing(data: bytes, end: int) -> None:
    if data[end:].strip(b"\x00\r\n\t "):
        raise _refuse("MATERIAL_TRAILING_DATA",
                      "图片结束标记之后还有其他数据（可能是伪装文件），请重新导出图片后上传。",
                      "There is data after the image's end marker (a disguised file?); export the image again.")


def _check_pdf(data: bytes) -> None:
    for raw in set(_PDF_NAME.findall(data)):
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")
        if name in PDF_FORBIDDEN:
            raise _pdf_active()
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse("MATERIAL_PDF_ENCRYPTED", "PDF 已加密，请上传未加密的文件。",
                          "The PDF is encrypted; upload an unencrypted file.")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise _refuse("MATERIAL_PDF_TOO_MANY_PAGES", f"PDF 超过 {MAX_PDF_PAGES} 页。",
                          f"The PDF has more than {MAX_PDF_PAGES} pages.")
        seen: set[tuple[int, int]] = set()
        stack: list = [reader.trailer]
        visited = 0
        while stack:
            obj = stack.pop()
            visited += 1
            if visited > 200_000:
                raise _refuse("MATERIAL_CORRUPT", "PDF 结构过于复杂。", "The PDF's structure is too complex.")
            if isinstance(obj, IndirectObject):
                ref = (obj.idnum, obj.generation)
                if ref in seen:
                    continue
                seen.add(ref)
                obj = obj.get_object()
            if isinstance(obj, DictionaryObject):
                for key, value in obj.items():
                    if key in PDF_FORBIDDEN:
                        raise _pdf_active()
                    stack.append(value)
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
            elif isinstance(obj, NameObject) and obj in ("/JavaScript", "/Launch"):
                raise _pdf_active()
    except BeianError:
        raise
    except Exception:
        raise _refuse("MATERIAL_CORRUPT", "PDF 文件已损坏，无法读取。",
                      "The PDF is damaged and cannot be read.") from None


def _pdf_active() -> BeianError:
    return _refuse("MATERIAL_PDF_ACTIVE_CONTENT", "PDF 含有脚本、动作或嵌入文件，不能上传；请“打印为 PDF”后重新上传。",
                   "The PDF contains JavaScript, actions or embedded files; print it to a new PDF and upload that.")


def _open_image(data: bytes, content_type: str):
    from PIL import Image, ImageOps

    if content_type == "image/heic":
        import pillow_heif

        pillow_heif.register_heif_opener()
    too_many = settings.BEIAN_MATERIALS["MAX_PIXELS"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            width, height = img.size
            if width * height > too_many or width > 20000 or height > 20000:
                raise _refuse("MATERIAL_TOO_MANY_PIXELS", f"图片像素过多（{width}×{height}），请缩小后上传。",
                              f"The image has too many pixels ({width}×{height}); scale it down.")
            expected = {"image/jpeg": "JPEG", "image/png": "PNG", "image/heic": "HEIF"}[content_type]
            if img.format != expected:
                raise _refuse("MATERIAL_CORRUPT", "图片格式与内容不符。",
                              "The image format does not match its content.")
            if content_type == "image/jpeg":
                img.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))  # decode every block, cheaply
            img.load()
    except BeianError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse("MATERIAL_TOO_MANY_PIXELS", "图片像素过多，请缩小后上传。",
                      "The image has too many pixels; scale it down.") from None
    except Exception:
        raise _refuse("MATERIAL_CORRUPT", "图片文件已损坏，无法读取。",
                      "The image is damaged and cannot be read.") from None
    orientation = 1
    try:
        orientation = int(img.getexif().get(0x0112, 1) or 1)
    except Exception:
        orientation = 1
    display = None
    if content_type == "image/heic" or orientation != 1:
        full = Image.open(io.BytesIO(data))
        full = ImageOps.exif_transpose(full).convert("RGB")
        width, height = full.size
        out = io.BytesIO()
        full.save(out, "JPEG", quality=90)
        display = out.getvalue()
    return width, height, display


def inspect_upload(data: bytes, raw_name: bytes | str) -> Inspected:
    """Refuse anything but a clean JPEG, PNG, PDF or HEIC whose name, extension and bytes agree."""
    name = clean_filename(raw_name)
    if not data:
        raise _refuse("MATERIAL_EMPTY", "文件是空的。", "The file is empty.")
    if len(data) > max_bytes():
        raise _refuse("MATERIAL_TOO_LARGE", f"文件超过 {max_bytes() // (1024 * 1024)} MB。",
                      f"The file is larger than {max_bytes() // (1024 * 1024)} MB.", status=413)
    content_type = sniff(data)
    if content_type not in ALLOWED:
        raise _refuse("MATERIAL_TYPE_NOT_ALLOWED", f"只能上传 JPG、PNG、PDF 或 HEIC 文件（检测到 {content_type}）。",
                      f"Only JPG, PNG, PDF or HEIC files are accepted (this is {content_type}).")
    content_type = "image/heic" if content_type == "image/heif" else content_type
    if EXTENSIONS.get(_extension(name)) != content_type:
        raise _refuse("MATERIAL_EXTENSION_MISMATCH", f"文件扩展名与文件内容（{content_type}）不符。",
                      f"The file name's extension does not match its content ({content_type}).")
    width = height = None
    display = None
    if content_type == "image/jpeg":
        _no_trailing(data, jpeg_end(data))
    elif content_type == "image/png":
        _no_trailing(data, png_end(data))
    if content_type == "application/pdf":
        _check_pdf(data)
    else:
        width, height, display = _open_image(data, content_type)
    return Inspected(data=data, content_type=content_type, extension=ALLOWED[content_type],
                     sha256=hashlib.sha256(data).hexdigest(), name=name, width=width, height=height, display=display)
