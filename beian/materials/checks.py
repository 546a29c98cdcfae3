"""Machine checks of a material, run by the worker (never in a web request): legibility, plausibility, OCR.

* Legibility: on a grey copy normalised to ``NORMAL_SIDE`` pixels on its longer side — blur (variance of the
  Laplacian), brightness (mean), and the original resolution.
* Plausibility: the words a document of that kind carries (营业执照 / 统一社会信用代码, 公民身份号码, 签发机关 …).
* OCR (rapidocr, loaded once per worker process) of business licences (name, credit code) and ID cards (name,
  number, validity) compared with the typed data of the order; a mismatch names both values.

Results are findings in the one shape (design.md §5.2), severity ``warning``: shown to the applicant and the
reviewer, decided by the reviewer.
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata

from beian.core.errors import Finding

NORMAL_SIDE = 1000
BLUR_MIN = 60.0  # Laplacian variance on the normalised copy; sharp scans score hundreds to thousands
DARK_MAX = 45.0
BRIGHT_MIN = 225.0  # too bright = a mean above this *and* little contrast (washed out, glare)
CONTRAST_MIN = 20.0
MIN_SHORT_SIDE = 500
OCR_MAX_SIDE = 2000  # recognition crops come from this copy
DET_MAX_SIDE = 960  # text detection on at most this long side (rapidocr default: the full image) — 3x faster

LICENCE_CODES = {"entity_certificate"}
ID_FRONT_CODES = {"entity_principal_id_front", "website_principal_id_front"}
ID_BACK_CODES = {"entity_principal_id_back", "website_principal_id_back"}
PLAUSIBLE_WORDS = {
    "entity_certificate": ("营业执照", "统一社会信用代码", "登记证", "证书", "法定代表人"),
    "entity_principal_id_front": ("公民身份号码", "姓名", "出生", "住址"),
    "website_principal_id_front": ("公民身份号码", "姓名", "出生", "住址"),
    "entity_principal_id_back": ("签发机关", "有效期限", "居民身份证", "中华人民共和国"),
    "website_principal_id_back": ("签发机关", "有效期限", "居民身份证", "中华人民共和国"),
}
_USCC = re.compile(r"[0-9A-Z]{18}")
_ID = re.compile(r"\d{17}[\dX]")
_DATE = r"(\d{4})[.\-年/](\d{1,2})[.\-月/](\d{1,2})日?"
_VALIDITY = re.compile(_DATE + r"[-—–至~]+(长期|" + _DATE + r")")


def _finding(code: str, zh: str, en: str, *, field: str | None = None, value: str | None = None,
             requirement: str | None = None, hint_zh: str = "", hint_en: str = "") -> dict:
    return Finding(code=code, severity="warning", message_zh=zh, message_en=en, field=field, value=value,
                   hint_zh=hint_zh, hint_en=hint_en, source="icp §3.4", requirement=requirement).as_dict()


# ---------------------------------------------------------------- legibility


def legibility(img) -> dict:
    """Blur score, brightness and size of a PIL image (numbers, no judgement)."""
    import numpy as np
    from PIL import Image

    grey = img.convert("L")
    width, height = grey.size
    scale = NORMAL_SIDE / max(width, height)
    norm = grey.resize((max(int(width * scale), 1), max(int(height * scale), 1)), Image.BILINEAR)
    a = np.asarray(norm, dtype=np.float32)
    lap = -4 * a[1:-1, 1:-1] + a[:-2, 1:-1] + a[2:, 1:-1] + a[1:-1, :-2] + a[1:-1, 2:]
    return {"blur": round(float(lap.var()), 1), "brightness": round(float(a.mean()), 1),
            "contrast": round(float(a.std()), 1), "width": width, "height": height}


def legibility_findings(metrics: dict, *, requirement: str | None) -> list[dict]:
    out = []
    if metrics["blur"] < BLUR_MIN:
        out.append(_finding("MATERIAL_BLURRY",
                            f"图片模糊，无法辨认（清晰度 {metrics['blur']:.0f}，至少 {BLUR_MIN:.0f}）。",
                            f"The image is blurred and illegible (sharpness {metrics['blur']:.0f}, at least "
                            f"{BLUR_MIN:.0f}).", value=str(metrics["blur"]), requirement=requirement,
                            hint_zh="请对焦后重新拍摄或扫描原件。",
                            hint_en="Focus and photograph or scan the original again."))
    if metrics["brightness"] < DARK_MAX:
        out.append(_finding("MATERIAL_TOO_DARK", "图片过暗。", "The image is too dark.",
                            value=str(metrics["brightness"]), requirement=requirement,
                            hint_zh="请在光线充足处重新拍摄。", hint_en="Take the photo again in good light."))
    elif metrics["brightness"] > BRIGHT_MIN and metrics["contrast"] < CONTRAST_MIN:
        out.append(_finding("MATERIAL_TOO_BRIGHT", "图片过亮或反光。", "The image is too bright or glared.",
                            value=str(metrics["brightness"]), requirement=requirement,
                            hint_zh="请避免强光和反光后重新拍摄。", hint_en="Avoid strong light and glare."))
    if min(metrics["width"], metrics["height"]) < MIN_SHORT_SIDE:
        out.append(_finding("MATERIAL_LOW_RESOLUTION",
                            f"分辨率过低（{metrics['width']}×{metrics['height']}，短边至少 {MIN_SHORT_SIDE} 像素）。",
                            f"The resolution is too low ({metrics['width']}×{metrics['height']}; the short side "
                            f"needs {MIN_SHORT_SIDE} pixels).", requirement=requirement))
    return out


# ---------------------------------------------------------------- OCR

_engine = None
_engine_lock = threading.Lock()


def ocr_engine():
    """The RapidOCR engine, created once per process (≈ 600 MB; the worker only)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr import RapidOCR

            _engine = RapidOCR(params={"Global.log_level": "warning", "Det.limit_type": "max",
                                       "Det.limit_side_len": DET_MAX_SIDE})
    return _engine


def ocr_lines(img) -> list[str]:
    import numpy as np

    rgb = img.convert("RGB")
    width, height = rgb.size
    if max(width, height) > OCR_MAX_SIDE:
        scale = OCR_MAX_SIDE / max(width, height)
        rgb = rgb.resize((int(width * scale), int(height * scale)))
    result = ocr_engine()(np.asarray(rgb))
    return [str(t) for t in (result.txts or ())]


def norm(text: str) -> str:
    """Compare-form: NFKC (full-width → half-width), no spaces or punctuation, upper case."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s:：,，.。·•()（）\-—_]", "", text).upper()


def _field_after(lines: list[str], label: str) -> str | None:
    for i, line in enumerate(lines):
        flat = norm(line)
        if flat.startswith(label):
            rest = flat[len(label):]
            if rest:
                return rest
            if i + 1 < len(lines):
                return norm(lines[i + 1])
    return None


def _uscc_fix(text: str) -> str:
    # OCR confusions outside the USCC alphabet (no I, O, S, V, Z)
    return text.translate(str.maketrans({"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"}))


def read_licence(lines: list[str]) -> dict:
    flat = _uscc_fix(norm("".join(lines)))
    code = None
    for line in lines:
        match = _USCC.search(_uscc_fix(norm(line)))
        if match:
            code = match.group(0)
            break
    if code is None:
        match = _USCC.search(flat)
        code = match.group(0) if match else None
    return {"name": _field_after(lines, "名称"), "credit_code": code}


def read_id_front(lines: list[str]) -> dict:
    number = None
    for line in lines:
        match = _ID.search(norm(line))
        if match:
            number = match.group(0)
    return {"name": _field_after(lines, "姓名"), "number": number}


def read_id_back(lines: list[str]) -> dict:
    text = unicodedata.normalize("NFKC", " ".join(lines)).replace(" ", "")
    match = _VALIDITY.search(text)
    if not match:
        return {"valid_from": None, "valid_to": None}
    start = f"{int(match.group(1)):04d}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"
    if match.group(4) == "长期":
        end = "long-term"
    else:
        end = f"{int(match.group(5)):04d}-{int(match.group(6)):02d}-{int(match.group(7)):02d}"
    return {"valid_from": start, "valid_to": end}


def _mismatch(code: str, what_zh: str, what_en: str, read: str, typed: str, field: str, requirement: str) -> dict:
    return _finding(code, f"证件上的{what_zh}“{read}”与填写的“{typed}”不一致。",
                    f"The {what_en} on the document, “{read}”, differs from the typed “{typed}”.", field=field,
                    value=read, requirement=requirement, hint_zh="请核对填写的信息或上传正确的证件。",
                    hint_en="Check the typed data or upload the right document.")


def _unread(what_zh: str, what_en: str, field: str, requirement: str) -> dict:
    return _finding("MATERIAL_UNREADABLE", f"未能从证件上识别{what_zh}。", f"The {what_en} could not be read from the "
                    "document.", field=field, requirement=requirement, hint_zh="请上传清晰、完整的原件照片。",
                    hint_en="Upload a clear photo of the whole original.")


def compare(code: str, read: dict, *, proposed, website_key: str) -> list[dict]:
    """Compare what OCR read with the typed data of the order (``proposed`` is a FilingState)."""
    out: list[dict] = []
    if code in LICENCE_CODES:
        entity = proposed.entity
        if read.get("name") is None:
            out.append(_unread("名称", "name", "entity.name", code))
        elif norm(entity.name) and read["name"] != norm(entity.name):
            out.append(_mismatch("MATERIAL_NAME_MISMATCH", "名称", "name", read["name"], entity.name, "entity.name",
                                 code))
        if read.get("credit_code") is None:
            out.append(_unread("统一社会信用代码", "credit code", "entity.certificate_number", code))
        elif norm(entity.certificate_number) and read["credit_code"] != norm(entity.certificate_number):
            out.append(_mismatch("MATERIAL_CREDIT_CODE_MISMATCH", "统一社会信用代码", "credit code",
                                 read["credit_code"], entity.certificate_number, "entity.certificate_number", code))
        return out
    if code.startswith("entity_principal"):
        principal, prefix = proposed.entity.principal, "entity.principal"
    else:
        site = proposed.website(website_key)
        if site is None:
            return out
        principal, prefix = site.principal, f"websites[{website_key}].principal"
    if code in ID_FRONT_CODES:
        if read.get("name") is None:
            out.append(_unread("姓名", "name", f"{prefix}.name", code))
        elif norm(principal.name) and read["name"] != norm(principal.name):
            out.append(_mismatch("MATERIAL_ID_NAME_MISMATCH", "姓名", "name", read["name"], principal.name,
                                 f"{prefix}.name", code))
        if read.get("number") is None:
            out.append(_unread("公民身份号码", "ID number", f"{prefix}.certificate_number", code))
        elif norm(principal.certificate_number) and read["number"] != norm(principal.certificate_number):
            out.append(_mismatch("MATERIAL_ID_NUMBER_MISMATCH", "公民身份号码", "ID number", read["number"],
                                 principal.certificate_number, f"{prefix}.certificate_number", code))
    elif code in ID_BACK_CODES:
        if read.get("valid_from") is None:
            out.append(_unread("有效期限", "validity", f"{prefix}.valid_to", code))
        else:
            typed_from = principal.valid_from.isoformat() if principal.valid_from else ""
            typed_to = principal.valid_to.isoformat() if principal.valid_to else "long-term"
            if (read["valid_from"], read["valid_to"]) != (typed_from, typed_to):
                shown = f"{read['valid_from']}—{read['valid_to']}"
                out.append(_mismatch("MATERIAL_ID_VALIDITY_MISMATCH", "有效期限", "validity", shown,
                                     f"{typed_from}—{typed_to}", f"{prefix}.valid_to", code))
    return out


def plausibility(code: str, lines: list[str]) -> list[dict]:
    words = PLAUSIBLE_WORDS.get(code)
    if not words:
        return []
    text = norm("".join(lines))
    if any(norm(w) in text for w in words):
        return []
    return [_finding("MATERIAL_TYPE_IMPLAUSIBLE", "上传的文件看起来不是所要求的证件。",
                     "The upload does not look like the requested document.", requirement=code,
                     hint_zh="请确认上传的是正确的证件及正确的一面。",
                     hint_en="Check that it is the right document and side.")]


# ---------------------------------------------------------------- one material


def check_image(img, *, code: str, proposed=None, website_key: str = "", ocr: bool = True) -> tuple[list, dict]:
    """All checks of one image; returns ``(findings, data)``."""
    metrics = legibility(img)
    findings = legibility_findings(metrics, requirement=code or None)
    data: dict = {"legibility": metrics}
    illegible = any(f["code"] in ("MATERIAL_BLURRY", "MATERIAL_TOO_DARK", "MATERIAL_TOO_BRIGHT") for f in findings)
    wants_ocr = code in LICENCE_CODES | ID_FRONT_CODES | ID_BACK_CODES
    if ocr and wants_ocr and not illegible:
        lines = ocr_lines(img)
        data["ocr_lines"] = lines
        findings += plausibility(code, lines)
        if code in LICENCE_CODES:
            read = read_licence(lines)
        elif code in ID_FRONT_CODES:
            read = read_id_front(lines)
        else:
            read = read_id_back(lines)
        data["read"] = read
        if proposed is not None:
            findings += compare(code, read, proposed=proposed, website_key=website_key)
    return findings, data


def check_pdf(data: bytes, *, code: str) -> tuple[list, dict]:
    """PDFs: plausibility from the text layer only (no rendering)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "".join((page.extract_text() or "") for page in reader.pages[:3])
    except Exception:
        text = ""
    if not text.strip():
        return [], {"pdf_text": False}
    return plausibility(code, [text]), {"pdf_text": True}
