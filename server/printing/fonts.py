"""The bundled CJK font of printed forms: Noto Sans SC (SIL OFL 1.1), never the machine's fonts.

The PWA already depends on ``@fontsource/noto-sans-sc`` (pinned by ``pwa/package-lock.json``);
its "chinese-simplified" files hold the ~7,900 most used simplified characters plus Latin,
digits and CJK punctuation in one face per weight. ``make`` turns the WOFF2 files into plain
TrueType once (``python -m server.printing.fonts``), so the server neither decompresses WOFF2
at start (seconds per weight) nor needs Node at run time. The TrueType files are build output
(git-ignored), like ``pwa/dist``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "Noto Sans SC"
# weight → file name of the TrueType face in FONT_DIR.
FACES = {400: "NotoSansSC-Regular.ttf", 700: "NotoSansSC-Bold.ttf"}
SOURCE = Path(__file__).resolve().parents[2] / "pwa" / "node_modules" / "@fontsource" / "noto-sans-sc"


class FontsMissing(RuntimeError):
    pass


def font_paths(font_dir: Path = FONT_DIR) -> dict[int, Path]:
    """The bundled faces by weight; a clear error when the build step has not run."""
    paths = {w: font_dir / name for w, name in FACES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise FontsMissing(f"the printing font is not built ({', '.join(missing)}): run `make install` "
                           "(or `.venv/bin/python -m server.printing.fonts` after `npm ci` in pwa/)")
    return paths


def build_fonts(source: Path = SOURCE, font_dir: Path = FONT_DIR) -> list[Path]:
    """Decompress the @fontsource WOFF2 faces into TrueType files (with the licence beside them)."""
    from fontTools.ttLib import woff2

    font_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for weight, name in FACES.items():
        src = source / "files" / f"noto-sans-sc-chinese-simplified-{weight}-normal.woff2"
        if not src.is_file():
            raise FontsMissing(f"{src} not found: run `npm ci` in pwa/ first")
        target = font_dir / name
        tmp = target.with_suffix(".tmp")
        with src.open("rb") as fin, tmp.open("wb") as fout:
            woff2.decompress(fin, fout)
        tmp.replace(target)
        out.append(target)
    shutil.copyfile(source / "LICENSE", font_dir / "LICENSE-NotoSansSC.txt")
    return out


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    for path in build_fonts(src):
        print(f"built {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
