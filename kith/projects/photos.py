"""Checking and cleaning uploaded photos (and quotes, which are a PDF or a
photo of a paper quote).

A photo is accepted only if Pillow can read it as a JPEG, PNG or WebP image
by its content (never by its name or the browser's word), it is not larger
than the setting ``KITH_PHOTO_MAX_BYTES``, and not absurdly large in pixels.
It is then re-encoded as a fresh JPEG at most 1600 pixels across: the new
file holds only the pixels, so the location, camera and other data a phone
writes into photos are gone.
"""

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from kith.core.errors import ApplicationError

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
LARGEST_SIDE = 1600
MOST_PIXELS = 50_000_000


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int


def photo_clean(upload: Any, *, field: str = "photo") -> CleanPhoto:
    """Read ``upload`` (a file-like object with ``size``) and give back a clean
    JPEG. Raises ApplicationError, naming ``field``, if it is not a photo."""
    limit = int(settings.KITH_PHOTO_MAX_BYTES)
    size = getattr(upload, "size", None)
    raw = upload.read(limit + 1)
    if (size is not None and size > limit) or len(raw) > limit:
        raise ApplicationError(
            _("The photo must be smaller than %(mb)s MB.") % {"mb": limit // 1_000_000},
            field=field,
        )
    refused = ApplicationError(
        _("The file must be a photo (a JPEG, PNG or WebP image)."), field=field
    )
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise refused
            if probe.width * probe.height > MOST_PIXELS:
                raise refused
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            # Turn it the way the phone meant, before its orientation tag goes.
            upright = ImageOps.exif_transpose(image) or image
            picture = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise refused from None
    picture.thumbnail((LARGEST_SIDE, LARGEST_SIDE))
    out = io.BytesIO()
    # A new image from the pixels only: no exif, no XMP, no ICC from the upload.
    clean = Image.new("RGB", picture.size)
    clean.paste(picture)
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return CleanPhoto(data=out.getvalue(), width=clean.width, height=clean.height)


#: What a PDF may not hold: actions that run when it is opened, and files
#: inside it. Checked on the bytes as sent (a PDF that hides them in a
#: compressed stream gets past this; it is still only ever downloaded, never
#: shown inside Kith's pages: ADR 0035).
PDF_REFUSED_NAMES = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile")


@dataclass(frozen=True)
class CleanQuote:
    data: bytes
    file_format: str  # "pdf" or "jpeg"


def quote_clean(upload: Any, *, field: str = "quote") -> CleanQuote:
    """A quote is a PDF (by its content: it starts with ``%PDF-`` and ends
    with ``%%EOF``, holding no scripts, launch actions or attached files),
    kept as sent; or a photo of a paper quote, re-encoded by
    ``photo_clean``. At most ``KITH_QUOTE_MAX_BYTES``. Raises
    ApplicationError, naming ``field``, for anything else."""
    limit = int(settings.KITH_QUOTE_MAX_BYTES)
    size = getattr(upload, "size", None)
    raw = upload.read(limit + 1)
    if (size is not None and size > limit) or len(raw) > limit:
        raise ApplicationError(
            _("The file must be smaller than %(mb)s MB.") % {"mb": limit // 1_000_000},
            field=field,
        )
    if raw.startswith(b"%PDF-"):
        if b"%%EOF" not in raw[-2048:] or any(
            name in raw for name in PDF_REFUSED_NAMES
        ):
            raise ApplicationError(
                _(
                    "This PDF cannot be attached: it is damaged, or holds scripts "
                    "or other files. Save it again as a plain PDF, or take a photo "
                    "of the quote."
                ),
                field=field,
            )
        return CleanQuote(data=raw, file_format="pdf")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            found = probe.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        found = None
    if found not in ALLOWED_FORMATS:
        raise ApplicationError(
            _("The file must be a PDF or a photo (a JPEG, PNG or WebP image)."),
            field=field,
        )
    photo = photo_clean(io.BytesIO(raw), field=field)
    return CleanQuote(data=photo.data, file_format="jpeg")
