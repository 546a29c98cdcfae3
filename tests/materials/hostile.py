"""Hostile uploads, built in memory."""

from __future__ import annotations

import io
import struct
import zlib


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int = 30000) -> bytes:
    """A 1-bit PNG of side×side pixels (900 MP) whose data compresses to ~100 KB."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    comp = zlib.compressobj(9)
    body = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def small_jpeg(size=(800, 600), color=(200, 180, 160), exif_orientation: int | None = None) -> bytes:
    from PIL import Image

    img = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        img.save(out, "JPEG", quality=85, exif=exif.tobytes())
    else:
        img.save(out, "JPEG", quality=85)
    return out.getvalue()


def small_png(size=(800, 600)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def zip_bytes() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("payload.html", "<script>alert(1)</script>")
    return out.getvalue()


def pdf(extra_catalog: str = "", objects: list[str] | None = None) -> bytes:
    """A minimal one-page PDF; ``extra_catalog`` is added to the catalogue dictionary."""
    objs = [f"<< /Type /Catalog /Pages 2 0 R {extra_catalog} >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>", *(objects or [])]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    return pdf("/OpenAction 4 0 R", ["<< /S /JavaScript /JS (app.alert\\(1\\)) >>"])


def pdf_with_hidden_javascript() -> bytes:
    """The same, with the names written with #-escapes (``/J#61vaScript``)."""
    return pdf("/OpenAction 4 0 R", ["<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"])


def pdf_with_embedded_file() -> bytes:
    return pdf("/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
               ["<< /Type /Filespec /F (a.exe) >>"])


SVG_WITH_SCRIPT = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                   b'<script>alert(document.cookie)</script></svg>')
HTML = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>"
