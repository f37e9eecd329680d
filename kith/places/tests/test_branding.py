"""A locality's colour is checked for contrast, and its logo is rebuilt from
its pixels (ADR 0041)."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from kith.core.errors import ApplicationError
from kith.places.branding import (
    colour_check,
    colour_normalise,
    contrast_ratio,
    logo_clean,
)


def _image(fmt="PNG", size=(400, 200), **save) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt, **save)
    out.seek(0)
    return out


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#ffffff", "#000000", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#1d70b8", "#ffffff", 5.17),  # GOV.UK blue
        ("#00594f", "#ffffff", 8.26),  # Kith's green
        ("#ffdd00", "#ffffff", 1.35),  # GOV.UK yellow
    ],
)
def test_contrast_ratios_are_wcags(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)


@given(st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}"))
def test_contrast_is_symmetric_and_between_1_and_21(colour):
    ratio = contrast_ratio(colour, "#ffffff")
    assert ratio == pytest.approx(contrast_ratio("#ffffff", colour))
    assert 1 <= ratio <= 21


def test_a_light_colour_is_refused_naming_its_ratio():
    with pytest.raises(ApplicationError) as refused:
        colour_check("#FFDD00")
    assert refused.value.field == "brand_colour"
    assert "1.34:1" in refused.value.message
    assert "4.5:1" in refused.value.message


def test_a_colour_just_under_the_line_is_refused_and_one_over_kept():
    # #767676 is the lightest grey with 4.5:1 on white; #777777 misses it.
    assert colour_check("#767676") == "#767676"
    with pytest.raises(ApplicationError, match=r"4\.47:1"):
        colour_check("#777777")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("#1D70B8", "#1d70b8"), ("1d70b8", "#1d70b8"), ("#036", "#003366"), ("", "")],
)
def test_colours_are_kept_in_one_form(typed, kept):
    assert colour_check(typed) == kept


@pytest.mark.parametrize(
    "typed", ["blue", "#12345", "#gggggg", "rgb(0,0,0)", "#1d70b8;}body{"]
)
def test_anything_but_a_hex_colour_is_refused(typed):
    with pytest.raises(ApplicationError, match="hex code"):
        colour_normalise(typed)


def test_a_logo_is_rebuilt_as_a_png_80_pixels_high_without_its_metadata():
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Co"  # Make
    upload = _image("JPEG", size=(400, 200), exif=exif.tobytes())
    logo = logo_clean(upload)
    with Image.open(io.BytesIO(logo.data)) as image:
        assert image.format == "PNG"
        assert image.size == (160, 80) == (logo.width, logo.height)
        assert not image.getexif()
        assert not image.info.get("exif")
    assert b"Secret Camera Co" not in logo.data
    assert len(logo.version) == 16
    # The same picture gives the same version (a cache can keep it).
    assert logo_clean(_image("JPEG", size=(400, 200))).version == logo.version


def test_a_very_wide_logo_is_fitted_to_four_times_its_height():
    logo = logo_clean(_image(size=(2000, 100)))
    assert logo.width == 320
    assert logo.height == 16


@pytest.mark.parametrize(
    "content",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"%PDF-1.4 not a logo %%EOF",
        b"GIF89a" + b"\x00" * 40,
        b"",
    ],
)
def test_anything_but_a_png_jpeg_or_webp_is_refused(content):
    with pytest.raises(ApplicationError, match="PNG, JPEG or WebP") as refused:
        logo_clean(io.BytesIO(content))
    assert refused.value.field == "logo"


def test_a_gif_is_refused_even_named_png():
    out = io.BytesIO()
    Image.new("RGB", (100, 100)).save(out, format="GIF")
    out.seek(0)
    out.name = "logo.png"
    with pytest.raises(ApplicationError, match="PNG, JPEG or WebP"):
        logo_clean(out)


def test_a_logo_over_the_size_limit_is_refused(settings):
    settings.KITH_LOGO_MAX_BYTES = 1000
    big = _image(size=(400, 400))
    big.size = 5000
    with pytest.raises(ApplicationError, match="smaller than 1 KB"):
        logo_clean(big)


def test_a_tiny_logo_is_refused():
    with pytest.raises(ApplicationError, match="too small"):
        logo_clean(_image(size=(4, 4)))
