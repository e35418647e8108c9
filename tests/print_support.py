"""Reading rendered forms back: text (pdftotext), page geometry and words' boxes, page images
(pdftoppm, also saved under test-artifacts/print/ to be looked at), embedded fonts, QR codes."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from PIL import Image

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "print"
MM = 72 / 25.4


def _run(*args: str, data: bytes) -> bytes:
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout


def text(pdf: bytes, first: int | None = None, last: int | None = None, raw: bool = False) -> str:
    """The text as laid out on the page, or (``raw``) in the order it was drawn: rotated text,
    such as a watermark, reads in order only so."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return _run("pdftotext", "-raw" if raw else "-layout", *pages, "-", "-", data=pdf).decode()


def pages(pdf: bytes) -> list[dict]:
    """Each page's size (points) and its words with their boxes."""
    out = _run("pdftotext", "-bbox", "-", "-", data=pdf).decode()
    result = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [{"x0": float(a), "y0": float(b), "x1": float(c), "y1": float(d), "text": html.unescape(w)}
                 for a, b, c, d, w in re.findall(
                     r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', m[3])]
        result.append({"width": float(m[1]), "height": float(m[2]), "words": words})
    return result


def fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(name, embedded) of every font the PDF uses."""
    rows = _run("pdffonts", "-", data=pdf).decode().splitlines()[2:]
    return [(row.split()[0], row.split()[-5] == "yes") for row in rows if row.strip()]


def embedded_images(pdf: bytes) -> int:
    """How many images the PDF holds (pdfimages lists a transparency mask as one more)."""
    listing = _run("pdfimages", "-list", "-", data=pdf).decode()
    return len(listing.strip().splitlines()) - 2  # two header lines


def images(pdf: bytes, name: str, dpi: int = 200, first: int = 1, last: int = 2) -> list[Path]:
    """Page images saved as test-artifacts/print/<name>-<n>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    src = ARTIFACTS / f"{name}.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(first), "-l", str(last), str(src), str(ARTIFACTS / name)],
                   check=True)
    src.unlink()
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def qr_codes(png: Path) -> list[str]:
    import zxingcpp

    with Image.open(png) as img:
        return [r.text for r in zxingcpp.read_barcodes(img) if r.format == zxingcpp.BarcodeFormat.QRCode]
