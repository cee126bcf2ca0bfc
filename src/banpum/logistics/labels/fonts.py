"""Finding, registering and caching the Korean font labels are set in.

Font discovery (``BANPUM_LABEL_FONT``, Nanum, fontconfig, the CID fallback) is its own concern,
with its own process-wide cache, so it lives apart from the drawing that uses it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFError, TTFont  # type: ignore[import-untyped]

logger = logging.getLogger("banpum.logistics.labels")  # one logger for the package

FONT_ENV_VAR = "BANPUM_LABEL_FONT"
FALLBACK_CID_FONT = "HYGothic-Medium"


# --------------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str
    fake_bold: bool  # no bold face: bold text is stroked
    embedded: bool  # TrueType, embedded; False for the CID fallback
    source: str
    glyphs: frozenset[int] | None  # code points the font has (None: unknown, CID)


_NANUM_DIR = Path("/usr/share/fonts/truetype/nanum")
_PREFERRED_NANUM = (
    ("NanumGothic.ttf", "NanumGothicBold.ttf"),
    ("NanumBarunGothic.ttf", "NanumBarunGothicBold.ttf"),
)
_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path.home() / "Library/Fonts",
)
_KOREAN_PROBE = "가한반품송장"
_NOT_REGULAR = ("bold", "light", "thin", "heavy", "black", "italic", "oblique", "extra", "ultra")
_FAMILY_RANK = (
    re.compile(r"gothic|sans|고딕|malgun|맑은|dotum|돋움|gulim|굴림|barun|square", re.IGNORECASE),
    re.compile(r"coding|mono", re.IGNORECASE),
)

_font_lock = threading.Lock()
_fonts: _Fonts | None = None


def label_font_name() -> str:
    """The name of the (regular) font labels are set in; finds and registers it on first use."""
    return _get_fonts().regular


def _reset_font_cache() -> None:
    """Forget the chosen font, so the next label searches again (for tests)."""
    global _fonts
    with _font_lock:
        _fonts = None


def _get_fonts() -> _Fonts:
    global _fonts
    if _fonts is None:
        with _font_lock:
            if _fonts is None:
                _fonts = _load_fonts()
    return _fonts


def _is_regular_stem(stem: str) -> bool:
    lower = stem.lower()
    if any(word in lower for word in _NOT_REGULAR) or lower.endswith("bd"):
        return False
    # NanumSquareB / NanumSquareRoundB / NanumSquareEB are the bold cuts.
    return not (stem.startswith("Nanum") and re.search(r"[A-Z]?B$", stem[5:]) is not None)


def _bold_sibling(regular: Path) -> Path | None:
    stem = regular.stem
    names = [stem.replace("Regular", "Bold"), f"{stem}Bold", f"{stem}-Bold", f"{stem}bd"]
    if stem.endswith("R"):
        names.append(f"{stem[:-1]}B")
    for name in names:
        if name == stem:
            continue
        for suffix in (regular.suffix, ".ttf", ".TTF"):
            path = regular.with_name(name + suffix)
            if path.is_file():
                return path
    return None


def _rank_nanum(path: Path) -> tuple[bool, bool, str]:
    lower = path.stem.lower()
    return ("myeongjo" in lower or "pen" in lower or "brush" in lower, "coding" in lower, lower)


def _other_nanum() -> Iterator[Path]:
    seen: set[str] = set()
    for directory in (_NANUM_DIR, *_FONT_DIRS):
        if not directory.is_dir():
            continue
        try:
            found = sorted(
                (p for p in directory.rglob("Nanum*") if p.suffix.lower() == ".ttf"),
                key=_rank_nanum,
            )
        except OSError:
            continue
        for path in found:
            if path.name not in seen and _is_regular_stem(path.stem):
                seen.add(path.name)
                yield path


def _fc_list_korean() -> Iterator[tuple[Path, Path | None]]:
    """Korean-capable .ttf fonts fontconfig knows, Gothic/sans families first."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return
    try:
        out = subprocess.run(  # noqa: S603 - fc-list found by which, fixed arguments
            [fc_list, "--format", "%{file}\t%{style[0]}\t%{family[0]}\n", ":lang=ko"],
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return
    families: dict[str, dict[str, Path]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0].lower().endswith(".ttf"):
            continue
        path, style, family = Path(parts[0]), parts[1].lower(), parts[2]
        kind = "bold" if style in ("bold", "bold regular") else "regular"
        if kind == "regular" and (style not in ("regular", "book", "medium", "normal", "")):
            continue
        families.setdefault(family, {}).setdefault(kind, path)

    def rank(family: str) -> tuple[int, str]:
        for i, pattern in enumerate(_FAMILY_RANK):
            if pattern.search(family):
                return (i, family)
        return (len(_FAMILY_RANK), family)

    for family in sorted(families, key=rank):
        faces = families[family]
        if "regular" in faces:
            yield faces["regular"], faces.get("bold")


def _font_candidates() -> Iterator[tuple[Path, Path | None]]:
    """(regular, bold or None) TrueType files to try, best first."""
    explicit = os.environ.get(FONT_ENV_VAR, "").strip()
    if explicit:
        path = Path(explicit).expanduser()
        if path.is_file():
            yield path, _bold_sibling(path)
        else:
            logger.warning("%s=%s: no such file; searching for a Korean font", FONT_ENV_VAR, path)
    for regular, bold in _PREFERRED_NANUM:
        path = _NANUM_DIR / regular
        if path.is_file():
            bold_path = _NANUM_DIR / bold
            yield path, bold_path if bold_path.is_file() else None
    for path in _other_nanum():
        yield path, _bold_sibling(path)
    yield from _fc_list_korean()


def _register_ttf(path: Path) -> tuple[str, frozenset[int]] | None:
    name = f"BanpumLabel-{path.stem}"
    try:
        font = TTFont(name, str(path))
    except (TTFError, OSError, ValueError, KeyError, IndexError, AssertionError) as exc:
        logger.info("label font %s not usable: %s", path, exc)
        return None
    glyphs = frozenset(font.face.charToGlyph)
    if not all(ord(ch) in glyphs for ch in _KOREAN_PROBE):
        logger.info("label font %s has no Korean glyphs", path)
        return None
    pdfmetrics.registerFont(font)
    return name, glyphs


def _load_fonts() -> _Fonts:
    explicit = os.environ.get(FONT_ENV_VAR, "").strip()
    tried: set[Path] = set()
    for regular, bold in _font_candidates():
        if regular in tried:
            continue
        tried.add(regular)
        loaded = _register_ttf(regular)
        if loaded is None:
            if explicit and regular == Path(explicit).expanduser():
                logger.warning(
                    "%s=%s: not a usable Korean TrueType font (.ttf); searching for another",
                    FONT_ENV_VAR,
                    explicit,
                )
            continue
        regular_name, glyphs = loaded
        bold_loaded = _register_ttf(bold) if bold is not None else None
        if bold_loaded is not None:
            glyphs = glyphs & bold_loaded[1]
        logger.debug("label font: %s (bold: %s)", regular, bold if bold_loaded else "stroked")
        return _Fonts(
            regular=regular_name,
            bold=bold_loaded[0] if bold_loaded else regular_name,
            fake_bold=bold_loaded is None,
            embedded=True,
            source=str(regular),
            glyphs=glyphs,
        )
    logger.warning(
        "No Korean TrueType font found for return labels; using the built-in CID font %s, "
        "which is not embedded and only shows in viewers with Adobe's Korean resources. "
        "Install fonts-nanum (apt-get install fonts-nanum) or set %s to a .ttf file.",
        FALLBACK_CID_FONT,
        FONT_ENV_VAR,
    )
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    return _Fonts(
        regular=FALLBACK_CID_FONT,
        bold=FALLBACK_CID_FONT,
        fake_bold=True,
        embedded=False,
        source=f"cid:{FALLBACK_CID_FONT}",
        glyphs=None,
    )
