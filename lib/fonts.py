"""The certificate's typeface, DejaVu Sans, shipped in lib/fonts/.

The PDF standard fonts only know Western European letters: a name such as "Łucja
Dąbrowska" would print with black boxes. The sign-up and details forms check a name
against this font (`unprintable`) before a certificate is ever drawn with it.
"""

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "CertificateSans", "CertificateSans-Bold"


@cache
def register_fonts() -> TTFont:
    regular = TTFont(REGULAR, FONTS / "DejaVuSans.ttf")
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(BOLD, FONTS / "DejaVuSans-Bold.ttf"))
    return regular


def unprintable(text: str) -> list[str]:
    """The characters of `text` the certificate's font has no letter for, in order."""
    glyphs = register_fonts().face.charToGlyph
    missing: list[str] = []
    for char in text:
        if not char.isspace() and ord(char) not in glyphs and char not in missing:
            missing.append(char)
    return missing
