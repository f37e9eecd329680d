"""The demo locality's places: Riverside, its wards and a synthetic postcode set.

Everything is fictional: the RV postcode area does not exist, the ward codes
are outside the ranges the ONS has issued, and the phone number is one Ofcom
keeps for drama.
"""

import random

from kith.places.models import Locality, Postcode, Ward

CENTRE = (51.4620, -0.1150)
WARDS = [
    ("Riverside North", "E05999001", "RV1", (0.012, -0.010)),
    ("Riverside South", "E05999002", "RV2", (-0.012, -0.008)),
    ("Mill Green", "E05999003", "RV3", (0.004, 0.014)),
    ("St Anne’s", "E05999004", "RV4", (-0.006, 0.020)),
    ("Wharfside", "E05999005", "RV5", (0.016, 0.026)),
    ("Old Town", "E05999006", "RV6", (-0.018, 0.030)),
]
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def demo_places_load(*, rng: random.Random) -> Locality:
    locality = Locality.objects.create(
        name="Riverside Circle",
        slug="riverside",
        council_name="Riverside Borough Council",
        phone="020 7946 0123",
        email="circle@riverside.example",
        address="Riverside Circle\nTown Hall, 1 Market Street\nRiverside\nRV1 1AA",
        brand_colour="#0b5563",
    )
    _demo_logo(locality)
    postcodes = []
    for name, code, district, (dlat, dlon) in WARDS:
        Ward.objects.create(locality=locality, name=name, ons_code=code)
        for sector in range(1, 4):
            for _n in range(14):
                unit = rng.choice(UNIT_LETTERS) + rng.choice(UNIT_LETTERS)
                postcode = f"{district} {sector}{unit}"
                postcodes.append(
                    Postcode(
                        postcode=postcode,
                        latitude=round(
                            CENTRE[0] + dlat + rng.uniform(-0.006, 0.006), 6
                        ),
                        longitude=round(
                            CENTRE[1] + dlon + rng.uniform(-0.009, 0.009), 6
                        ),
                        ward_code=code,
                    )
                )
    Postcode.objects.bulk_create(postcodes, ignore_conflicts=True)
    return locality


def _demo_logo(locality: Locality) -> None:
    """A made-up council mark (three waves in a roundel), cleaned as an
    uploaded logo is, so the demo's header shows a logo and its colour."""
    import io

    from PIL import Image, ImageDraw

    from kith.places.branding import logo_clean

    image = Image.new("RGBA", (160, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 156, 156), fill=(255, 255, 255, 255))
    for top in (50, 75, 100):
        draw.arc((24, top - 20, 80, top + 20), 200, 340, fill=(11, 85, 99), width=8)
        draw.arc((80, top - 20, 136, top + 20), 20, 160, fill=(11, 85, 99), width=8)
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    logo = logo_clean(out)
    locality.logo = logo.data
    locality.logo_width, locality.logo_height = logo.width, logo.height
    locality.logo_version = logo.version
    locality.logo_alt = "Riverside Borough Council"
    locality.save(
        update_fields=["logo", "logo_width", "logo_height", "logo_version", "logo_alt"]
    )
