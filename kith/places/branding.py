"""A locality's branding, checked: one colour with enough contrast, and a
logo re-encoded from its pixels (docs/adr/0041).

Pure functions over the bytes and strings given; no database.
"""

import hashlib
import io
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from kith.core.errors import ApplicationError

#: Kith's own header colour, used while a locality has none of its own.
DEFAULT_COLOUR = "#00594f"
WHITE = "#ffffff"
#: WCAG 2.2 success criterion 1.4.3 (contrast, minimum) for normal text.
MINIMUM_CONTRAST = 4.5
HEX_COLOUR = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")

LOGO_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})
#: The header shows the logo 40 pixels high; kept at twice that for sharp
#: screens, and never wider than four times its height.
LOGO_HEIGHT = 80
LOGO_MOST_WIDTH = 320
LOGO_MOST_PIXELS = 25_000_000


def colour_normalise(text: str) -> str:
    """``text`` as ``#rrggbb``. Raises ApplicationError (field ``brand_colour``)
    for anything that is not a hex colour."""
    found = HEX_COLOUR.match(text.strip())
    if not found:
        raise ApplicationError(
            _("Enter the colour as a hex code, like #1d70b8."), field="brand_colour"
        )
    digits = found.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of a ``#rrggbb`` colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.2's contrast ratio of two ``#rrggbb`` colours, 1 to 21."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def colour_check(text: str) -> str:
    """The colour as ``#rrggbb`` if the header's white text on it, and it
    used for text or borders on a white page, both reach 4.5:1 (the two
    are the same ratio: contrast is symmetric). Raises ApplicationError
    naming the ratio otherwise; an empty answer means Kith's own colour."""
    if not text.strip():
        return ""
    colour = colour_normalise(text)
    ratio = contrast_ratio(colour, WHITE)
    # Rounded down, so a colour is never said to pass on a rounding.
    shown = int(ratio * 100) / 100
    if ratio < MINIMUM_CONTRAST:
        raise ApplicationError(
            _(
                "White text on %(colour)s has a contrast ratio of %(ratio).2f:1, "
                "and the colour on a white page the same; both need at least "
                "4.5:1. Choose a darker colour."
            )
            % {"colour": colour, "ratio": shown},
            field="brand_colour",
        )
    return colour


@dataclass(frozen=True)
class CleanLogo:
    data: bytes
    width: int
    height: int
    version: str


def logo_clean(upload: Any, *, field: str = "logo") -> CleanLogo:
    """Read ``upload`` (a file-like object, with ``size`` if it is an
    upload) and give back a fresh PNG of its pixels only, 80 pixels high at
    most. Only PNG, JPEG and WebP, by their content (an SVG can hold
    scripts: save it as a PNG first). At most ``KITH_LOGO_MAX_BYTES``.
    Raises ApplicationError, naming ``field``."""
    limit = int(getattr(settings, "KITH_LOGO_MAX_BYTES", 1_000_000))
    size = getattr(upload, "size", None)
    raw = upload.read(limit + 1)
    if (size is not None and size > limit) or len(raw) > limit:
        raise ApplicationError(
            _("The logo must be smaller than %(kb)s KB.") % {"kb": limit // 1000},
            field=field,
        )
    refused = ApplicationError(
        _(
            "The logo must be a PNG, JPEG or WebP image. Save an SVG or PDF "
            "logo as a PNG first."
        ),
        field=field,
    )
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in LOGO_FORMATS:
                raise refused
            if probe.width * probe.height > LOGO_MOST_PIXELS:
                raise refused
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise refused from None
    if picture.width < 8 or picture.height < 8:
        raise ApplicationError(
            _("The logo is too small to read: use one at least 80 pixels high."),
            field=field,
        )
    picture.thumbnail((LOGO_MOST_WIDTH, LOGO_HEIGHT))
    # A new image from the pixels only: no text chunks, exif or ICC profile.
    clean = Image.new("RGBA", picture.size)
    clean.paste(picture)
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    data = out.getvalue()
    return CleanLogo(
        data=data,
        width=clean.width,
        height=clean.height,
        version=hashlib.sha256(data).hexdigest()[:16],
    )
