"""Synthetic ONS Postcode Directory files, for tests, benchmarks and demos.

``onspd_write`` writes a CSV in the ONSPD's shape (its header, its 52 columns,
its three forms of the postcode, strings quoted and numbers not), with unique
postcodes in the order the real file has them (by area, district, sector),
centres inside Great Britain, and ward codes for the right nation. The same
``seed`` always gives the same file.

Bad rows, when asked for, sit at known places: with ``bad_every=k`` the k-th,
2k-th, 3k-th... data row is bad, cycling through ``BAD_KINDS`` in order; see
``onspd_bad_kind``. Nothing here touches the database.
"""

import itertools
import math
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

HEADER_LINE = (
    "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,"
    "oseast1m,osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,"
    "ttwa,pct,itl,statsward,oa01,casward,park,lsoa01,msoa01,ur01ind,oac01,oa11,"
    "lsoa11,msoa11,wz11,sicbl,bua24,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,"
    "calncv,icb,oa21,lsoa21,msoa21"
)
HEADER = tuple(HEADER_LINE.split(","))
_AT = {name: index for index, name in enumerate(HEADER)}

BAD_KINDS = (
    "bad_postcode",
    "latitude_out_of_range",
    "missing_ward",
    "no_coordinates",
    "short_row",
)

# Postcode areas of Great Britain, by nation: E(ngland), S(cotland), W(ales).
# Areas that cross a border are put in the nation most of them lie in.
_AREAS = {
    "E": (
        "AL B BA BB BD BH BL BN BR BS CA CB CM CO CR CT CV CW DA DE DH DL DN DT DY "
        "E EC EN EX FY GL GU HA HD HG HP HR HU HX IG IP KT L LA LE LN LS LU M ME "
        "MK N NE NG NN NR NW OL OX PE PL PO PR RG RH RM S SE SG SK SL SM SN SO SP "
        "SR SS ST SW TA TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO"
    ),
    "S": "AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE",
    "W": "CF LD LL NP SA SY",
}
_NATION_OF = {
    area: nation for nation, areas in _AREAS.items() for area in areas.split()
}
# Rough boxes (latitude, longitude) for each nation's postcode centres.
_BOXES = {
    "E": ((50.3, 54.9), (-4.5, 1.4)),
    "S": ((55.2, 58.4), (-5.0, -2.2)),
    "W": ((51.5, 53.2), (-4.4, -3.1)),
}
_NATION_CODES = {"E": "E92000001", "S": "S92000003", "W": "W92000004"}
_WARD_PREFIXES = {"E": "E05", "S": "S13", "W": "W05"}
# Letters allowed in the last two places of a postcode.
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_UNITS = [a + b for a in _UNIT_LETTERS for b in _UNIT_LETTERS]
_UNITS_PER_SECTOR = 200  # About half of the 400 possible, as in real sectors.
_DISTRICTS_MAX = 99
_SECTORS_PER_DISTRICT = 10


@dataclass(frozen=True)
class _Sector:
    area: str
    district: int
    sector: int

    @property
    def outward(self) -> str:
        return f"{self.area}{self.district}"


def onspd_bad_kind(index: int, bad_every: int | None) -> str | None:
    """The kind of bad row written as data row ``index`` (1-based), or None.

    The row is on line ``index + 1`` of the file, after the header.
    """
    if not bad_every or index % bad_every:
        return None
    return BAD_KINDS[(index // bad_every - 1) % len(BAD_KINDS)]


def _sectors(count: int, rng: random.Random) -> list[_Sector]:
    """``count`` sectors spread across all areas, in the directory's order."""
    areas = sorted(_NATION_OF)
    capacity = len(areas) * _DISTRICTS_MAX * _SECTORS_PER_DISTRICT
    if count > capacity:
        raise ValueError(f"Cannot make more than {capacity * _UNITS_PER_SECTOR} rows.")
    # Sector 0 of district 1 of every area (in a random order) first, then
    # sector 1, so that even a small file covers the country.
    rng.shuffle(areas)
    slots = itertools.product(
        range(1, _DISTRICTS_MAX + 1), range(_SECTORS_PER_DISTRICT), areas
    )
    chosen = [
        _Sector(area, district, sector)
        for district, sector, area in itertools.islice(slots, count)
    ]
    chosen.sort(key=lambda s: (s.area, s.district, s.sector))
    return chosen


def _code(prefix: str, rng: random.Random, digits: int = 6) -> str:
    return f"{prefix}{rng.randrange(10**digits):0{digits}d}"


def _sector_fields(sector: _Sector, rng: random.Random) -> list[str]:
    """The columns every postcode of a sector shares, quoted as ONSPD has them."""
    nation = _NATION_OF[sector.area]
    english = nation == "E"
    pseudo = f"{nation}99999999"
    values = {
        "oscty": _code("E10000", rng, 3) if english else pseudo,
        "ced": _code("E58000", rng, 3) if english else pseudo,
        "oslaua": _code({"E": "E06000", "S": "S12000", "W": "W06000"}[nation], rng, 3),
        "osward": _code(_WARD_PREFIXES[nation], rng),
        "parish": _code("E43000", rng, 3) if english else pseudo,
        "osgrdind": "1",
        "oshlthau": _code(
            {"E": "E18000", "S": "S08000", "W": "W11000"}[nation], rng, 3
        ),
        "nhser": _code("E40000", rng, 3) if english else pseudo,
        "ctry": _NATION_CODES[nation],
        "rgn": _code("E12000", rng, 3) if english else pseudo,
        "streg": "0",
        "pcon": _code({"E": "E14001", "S": "S14000", "W": "W07000"}[nation], rng, 3),
        "eer": _code("E15000", rng, 3) if english else _NATION_CODES[nation],
        "teclec": _code("E24000", rng, 3) if english else pseudo,
        "ttwa": _code("E30000", rng, 3),
        "pct": _code("E16000", rng, 3) if english else pseudo,
        "itl": f"TL{rng.choice('CDEFGHIJKLMN')}{rng.randrange(10, 99)}",
        "statsward": "99ZZ00",
        "oa01": _code(f"{nation}00", rng),
        "casward": "99ZZ00",
        "park": pseudo,
        "lsoa01": _code(f"{nation}01", rng),
        "msoa01": _code(f"{nation}02", rng),
        "ur01ind": rng.choice("ABCDEFGH"),
        "oac01": f"{rng.randrange(1, 8)}{rng.choice('ABC')}{rng.randrange(1, 4)}",
        "oa11": _code(f"{nation}00", rng),
        "lsoa11": _code(f"{nation}01", rng),
        "msoa11": _code(f"{nation}02", rng),
        "wz11": _code(f"{nation}33", rng),
        "sicbl": _code("E38000", rng, 3) if english else pseudo,
        "bua24": _code(f"{nation}63", rng),
        "ru11ind": rng.choice(["A1", "B1", "C1", "C2", "D1", "E1", "F1"]),
        "oac11": f"{rng.randrange(1, 9)}{rng.choice('ABC')}{rng.randrange(1, 4)}",
        "lep1": _code("E37000", rng, 3) if english else pseudo,
        "lep2": "",
        "pfa": _code({"E": "E23000", "S": "S23000", "W": "W15000"}[nation], rng, 3),
        "calncv": _code("E56000", rng, 3) if english else pseudo,
        "icb": _code("E54000", rng, 3) if english else pseudo,
        "oa21": _code(f"{nation}00", rng),
        "lsoa21": _code(f"{nation}01", rng),
        "msoa21": _code(f"{nation}02", rng),
    }
    fields = [""] * len(HEADER)
    for name, value in values.items():
        fields[_AT[name]] = f'"{value}"' if value else ""
    fields[_AT["imd"]] = str(rng.randrange(1, 32845))
    return fields


def _rows(rows: int, seed: int, bad_every: int | None, kinds: Counter[str]):
    rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets.
    sectors = _sectors(max(1, math.ceil(rows / _UNITS_PER_SECTOR)), rng)
    per_sector, extra = divmod(rows, len(sectors))
    centres: dict[str, tuple[float, float]] = {}
    index = 0
    for number, sector in enumerate(sectors):
        count = per_sector + (1 if number < extra else 0)
        if not count:
            continue
        fields = _sector_fields(sector, rng)
        nation = _NATION_OF[sector.area]
        if sector.area not in centres:
            (lat_low, lat_high), (long_low, long_high) = _BOXES[nation]
            centres[sector.area] = (
                rng.uniform(lat_low + 0.2, lat_high - 0.2),
                rng.uniform(long_low + 0.2, long_high - 0.2),
            )
        area_lat, area_long = centres[sector.area]
        sector_lat = area_lat + rng.uniform(-0.15, 0.15)
        sector_long = area_long + rng.uniform(-0.15, 0.15)
        outward = sector.outward
        for unit in sorted(rng.sample(_UNITS, count)):
            index += 1
            inward = f"{sector.sector}{unit}"
            lat = sector_lat + rng.uniform(-0.01, 0.01)
            long = sector_long + rng.uniform(-0.01, 0.01)
            row = fields.copy()
            row[0] = f'"{outward:<4}{inward}"'
            row[1] = f'"{outward:<5}{inward}"'
            row[2] = f'"{outward} {inward}"'
            row[3] = f'"{rng.randrange(1980, 2024)}{rng.randrange(1, 13):02d}"'
            row[10] = "1" if rng.random() < 0.05 else "0"
            # A rough National Grid position: good enough to look right.
            row[11] = str(int(400000 + (long + 2.0) * 68000))
            row[12] = str(int((lat - 49.77) * 111000))
            row[_AT["lat"]] = f"{lat:.6f}"
            row[_AT["long"]] = f"{long:.6f}"
            kind = onspd_bad_kind(index, bad_every)
            if kind is not None:
                row = _spoil(row, kind, index)
            kinds[kind or "good"] += 1
            yield ",".join(row) + "\n"


def _spoil(row: list[str], kind: str, index: int) -> list[str]:
    if kind == "bad_postcode":
        row[0] = row[1] = row[2] = f'"QQ{index % 10} 9ZZ"'  # No area starts with Q.
    elif kind == "latitude_out_of_range":
        row[_AT["lat"]] = "200.000000"
    elif kind == "missing_ward":
        row[_AT["osward"]] = ""
    elif kind == "no_coordinates":
        row[_AT["lat"]] = "99.999999"
        row[_AT["long"]] = "0.000000"
    elif kind == "short_row":
        row = row[:40]
    return row


def onspd_write(
    path_or_file: str | Path | TextIO,
    *,
    rows: int,
    seed: int = 1,
    bad_every: int | None = None,
) -> dict[str, int]:
    """Write a synthetic ONSPD CSV of ``rows`` data rows after the header.

    Every ``bad_every``-th row is bad (see ``onspd_bad_kind``); the rest are
    good, with unique postcodes. Returns how many rows of each kind it wrote,
    ``good`` and the names in ``BAD_KINDS``.
    """
    if rows < 0:
        raise ValueError("rows cannot be negative")
    kinds: Counter[str] = Counter()
    lines = _rows(rows, seed, bad_every, kinds)
    if isinstance(path_or_file, str | Path):
        with Path(path_or_file).open("w", encoding="utf-8", newline="") as out:
            out.write(HEADER_LINE + "\n")
            out.writelines(lines)
    else:
        path_or_file.write(HEADER_LINE + "\n")
        path_or_file.writelines(lines)
    return dict(kinds)
