"""The certificate's typefaces, shipped in lib/fonts/ as TrueType for ReportLab: the
site's own Source Sans 3 and Source Serif 4 (Latin, Greek, Cyrillic and Vietnamese),
and DejaVu Sans for a name in a script they lack.

The PDF standard fonts only know Western European letters: a name such as "Łucja
Dąbrowska" would print with black boxes. A run of text is set in DejaVu when the Source
font lacks one of its letters (`font_for`), and the sign-up and details forms check a
name against what can be printed (`unprintable`) before a certificate is ever drawn
with it.

The Source files are Adobe's own TrueType builds, unchanged, from the `source-sans` 3.52.0
and `source-serif` 4.5.1 npm packages (`TTF/`), under the SIL Open Font License 1.1
(LICENSE-SourceSans3.txt, LICENSE-SourceSerif4.txt).
"""

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).resolve().parent / "fonts"
SANS, SANS_SEMIBOLD, SERIF = "CertificateSans", "CertificateSans-Semibold", "CertificateSerif"
FALLBACK, FALLBACK_BOLD = "CertificateFallback", "CertificateFallback-Bold"
FILES = {
    SANS: "SourceSans3-Regular.ttf",
    SANS_SEMIBOLD: "SourceSans3-Semibold.ttf",
    SERIF: "SourceSerif4-Semibold.ttf",
    FALLBACK: "DejaVuSans.ttf",
    FALLBACK_BOLD: "DejaVuSans-Bold.ttf",
}
# Where a Source font has no letter, DejaVu of the same weight stands in for the run.
FALLBACK_OF = {SANS: FALLBACK, SANS_SEMIBOLD: FALLBACK_BOLD, SERIF: FALLBACK_BOLD}


@cache
def register_fonts() -> dict[str, TTFont]:
    fonts = {name: TTFont(name, FONTS / file) for name, file in FILES.items()}
    for font in fonts.values():
        pdfmetrics.registerFont(font)
    return fonts


def _missing(text: str, font: str) -> list[str]:
    glyphs = register_fonts()[font].face.charToGlyph
    missing: list[str] = []
    for char in text:
        if not char.isspace() and ord(char) not in glyphs and char not in missing:
            missing.append(char)
    return missing


def font_for(text: str, font: str = SANS) -> str:
    """`font`, or its DejaVu stand-in when `font` lacks a letter of `text`. The whole run
    changes, so a name never mixes two designs letter by letter."""
    if font in FALLBACK_OF and _missing(text, font):
        return FALLBACK_OF[font]
    return font


def unprintable(text: str) -> list[str]:
    """The characters of `text` the certificate has no letter for in any of its fonts,
    in order."""
    return _missing(text, font_for(text))
