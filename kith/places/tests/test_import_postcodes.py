"""The ONS Postcode Directory import: parsing rows, the import, the command."""

import io
import sys
import zipfile
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command

from kith.core.models import AuditEvent
from kith.places.importer import (
    BAD_ROWS_KEPT,
    Columns,
    PostcodeFileError,
    PostcodeRow,
    RowSkipped,
    Skip,
    columns_find,
    parse_row,
    postcodes_import,
    zip_member_choose,
)
from kith.places.management.commands import import_postcodes as command_module
from kith.places.models import Postcode
from kith.places.onspd_fake import BAD_KINDS, HEADER, onspd_bad_kind, onspd_write

SKIP_FOR_KIND = {
    "bad_postcode": Skip.POSTCODE,
    "latitude_out_of_range": Skip.OUT_OF_RANGE,
    "missing_ward": Skip.WARD,
    "no_coordinates": Skip.NO_COORDINATES,
    "short_row": Skip.COLUMNS,
}
COLUMNS = columns_find(HEADER)


def onspd_row(
    postcode: str, lat: str = "51.487", long: str = "-0.093", ward: str = "E05000123"
) -> list[str]:
    """A full-width ONSPD row with only the columns the import reads filled in."""
    row = [""] * len(HEADER)
    row[COLUMNS.postcode] = postcode
    row[COLUMNS.latitude] = lat
    row[COLUMNS.longitude] = long
    row[COLUMNS.ward] = ward
    return row


def onspd_text(*rows: list[str], header: tuple[str, ...] = HEADER) -> str:
    return "\n".join(",".join(row) for row in [list(header), *rows]) + "\n"


def imported() -> dict[str, tuple[float, float, str]]:
    return {
        p.postcode: (p.latitude, p.longitude, p.ward_code)
        for p in Postcode.objects.all()
    }


def import_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="postcodes_imported"))


# parse_row and the header: pure, no database.


def test_parse_row_normalises_the_postcode_and_ward_code():
    row = onspd_row(" se17  2aa ", lat="51.487013", long="-0.093345", ward="e05000123")

    assert parse_row(row, COLUMNS) == PostcodeRow(
        "SE17 2AA", 51.487013, -0.093345, "E05000123"
    )


def test_parse_row_accepts_a_postcode_without_its_space():
    assert parse_row(onspd_row("SW1A1AA"), COLUMNS).postcode == "SW1A 1AA"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (onspd_row("SE17 2AA")[:-1], Skip.COLUMNS),
        ([*onspd_row("SE17 2AA"), "extra"], Skip.COLUMNS),
        (onspd_row("QQ1 1QQ"), Skip.POSTCODE),
        (onspd_row(""), Skip.POSTCODE),
        (onspd_row("SE17 2AA", lat="99.999999", long="0.000000"), Skip.NO_COORDINATES),
        (onspd_row("SE17 2AA", lat="99.999999", long="0"), Skip.NO_COORDINATES),
        (onspd_row("SE17 2AA", lat=""), Skip.COORDINATES),
        (onspd_row("SE17 2AA", long=""), Skip.COORDINATES),
        (onspd_row("SE17 2AA", lat="north"), Skip.COORDINATES),
        (onspd_row("SE17 2AA", lat="200"), Skip.OUT_OF_RANGE),
        (onspd_row("SE17 2AA", lat="-90.5"), Skip.OUT_OF_RANGE),
        (onspd_row("SE17 2AA", long="181"), Skip.OUT_OF_RANGE),
        (onspd_row("SE17 2AA", lat="nan"), Skip.OUT_OF_RANGE),
        (onspd_row("SE17 2AA", long="inf"), Skip.OUT_OF_RANGE),
        (onspd_row("SE17 2AA", ward=""), Skip.WARD),
        (onspd_row("SE17 2AA", ward="E0500012"), Skip.WARD),
        (onspd_row("SE17 2AA", ward="E050001234"), Skip.WARD),
        (onspd_row("SE17 2AA", ward="Kennington"), Skip.WARD),
    ],
)
def test_parse_row_says_why_it_skips_a_row(row, reason):
    with pytest.raises(RowSkipped) as skipped:
        parse_row(row, COLUMNS)

    assert skipped.value.reason == reason
    assert skipped.value.detail


def test_parse_row_keeps_the_extremes_of_the_range():
    row = parse_row(onspd_row("SE17 2AA", lat="-90", long="180"), COLUMNS)

    assert (row.latitude, row.longitude) == (-90.0, 180.0)


def test_columns_are_found_by_name_whatever_their_case_and_order():
    header = ["\ufeffPCD", "Lat", " osward ", "PCDS", "LONG"]

    assert columns_find(header) == Columns(
        postcode=3, latitude=1, longitude=4, ward=2, width=5
    )


def test_a_header_without_a_needed_column_is_refused_naming_it():
    with pytest.raises(PostcodeFileError, match="lacks the columns lat, osward"):
        columns_find(["pcd", "pcds", "long"])


def test_the_zip_member_read_is_the_whole_directory():
    members = [
        zipfile.ZipInfo("Documents/LAD names and codes UK.csv"),
        zipfile.ZipInfo("Data/multi_csv/ONSPD_FEB_2024_UK_AB.csv"),
        zipfile.ZipInfo("Data/ONSPD_FEB_2024_UK.csv"),
        zipfile.ZipInfo("User Guide/ONSPD User Guide.pdf"),
    ]
    members[0].file_size = 10**9  # Larger, but not the directory.

    assert zip_member_choose(members).filename == "Data/ONSPD_FEB_2024_UK.csv"


def test_without_the_directory_the_largest_csv_in_a_zip_is_read():
    small, large, other = (
        zipfile.ZipInfo("small.csv"),
        zipfile.ZipInfo("postcodes.CSV"),
        zipfile.ZipInfo("readme.txt"),
    )
    small.file_size, large.file_size, other.file_size = 10, 20, 30

    assert zip_member_choose([small, large, other]) is large
    assert zip_member_choose([other]) is None


# The synthetic directory.


def test_the_synthetic_directory_is_the_same_for_the_same_seed():
    first, second, third = io.StringIO(), io.StringIO(), io.StringIO()
    onspd_write(first, rows=300, seed=7)
    onspd_write(second, rows=300, seed=7)
    onspd_write(third, rows=300, seed=8)

    assert first.getvalue() == second.getvalue()
    assert first.getvalue() != third.getvalue()


def test_the_synthetic_directory_puts_its_bad_rows_where_it_says():
    kinds = {index: onspd_bad_kind(index, 3) for index in range(1, 19)}

    assert {index: kind for index, kind in kinds.items() if kind} == {
        3: BAD_KINDS[0],
        6: BAD_KINDS[1],
        9: BAD_KINDS[2],
        12: BAD_KINDS[3],
        15: BAD_KINDS[4],
        18: BAD_KINDS[0],
    }
    assert onspd_bad_kind(5, None) is None


# The import.


@pytest.mark.django_db
def test_an_import_skips_and_reports_bad_rows_and_imports_the_rest(tmp_path):
    path = tmp_path / "onspd.csv"
    written = onspd_write(path, rows=1000, bad_every=40)
    seen = []

    with path.open(newline="") as lines:
        report = postcodes_import(lines=lines, batch_size=100, on_bad_row=seen.append)

    assert written["good"] == 975
    assert report.rows_read == 1000
    assert report.imported == 975
    assert report.skipped == {
        SKIP_FOR_KIND[kind]: count for kind, count in written.items() if kind != "good"
    }
    expected = [
        (index + 1, SKIP_FOR_KIND[onspd_bad_kind(index, 40)])
        for index in range(40, 1001, 40)
    ]
    assert [(bad.line, bad.reason) for bad in seen] == expected
    assert report.bad_rows == seen
    assert "Line 41: invalid postcode" in str(seen[0])
    assert Postcode.objects.count() == 975


@pytest.mark.django_db
def test_an_import_stores_postcodes_in_their_usual_form():
    text = onspd_text(
        onspd_row("se17 2aa", lat="51.487013", long="-0.093345", ward="E05000123"),
        onspd_row("sw1a1aa", lat="51.501009", long="-0.141588", ward="e05013806"),
    )

    report = postcodes_import(lines=io.StringIO(text))

    assert report.imported == 2
    assert imported() == {
        "SE17 2AA": (51.487013, -0.093345, "E05000123"),
        "SW1A 1AA": (51.501009, -0.141588, "E05013806"),
    }


@pytest.mark.django_db
def test_an_import_records_one_audit_event_with_its_counts():
    text = onspd_text(onspd_row("SE17 2AA"), onspd_row("SE17 2AB", ward=""))

    postcodes_import(lines=io.StringIO(text), source="onspd.csv")

    [event] = import_events()
    assert event.actor is None
    assert event.data == {
        "source": "onspd.csv",
        "rows_read": 2,
        "imported": 1,
        "skipped": 1,
        "skipped_ward": 1,
    }


@pytest.mark.django_db
def test_importing_twice_leaves_one_copy_with_the_newer_centres():
    first = onspd_text(
        onspd_row("SE17 2AA", lat="51.4870", long="-0.0933", ward="E05000123"),
        onspd_row("SE17 2AB", lat="51.4871", long="-0.0934", ward="E05000123"),
    )
    second = onspd_text(
        onspd_row("SE17 2AA", lat="51.4870", long="-0.0933", ward="E05000123"),
        onspd_row("SE17 2AB", lat="51.5000", long="-0.1000", ward="E05000999"),
        onspd_row("SE17 2AD", lat="51.4872", long="-0.0935", ward="E05000123"),
    )

    postcodes_import(lines=io.StringIO(first))
    postcodes_import(lines=io.StringIO(first))
    assert Postcode.objects.count() == 2
    postcodes_import(lines=io.StringIO(second))

    assert imported() == {
        "SE17 2AA": (51.4870, -0.0933, "E05000123"),
        "SE17 2AB": (51.5000, -0.1000, "E05000999"),
        "SE17 2AD": (51.4872, -0.0935, "E05000123"),
    }
    assert len(import_events()) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [1, 2, 10])
def test_a_postcode_repeated_in_the_file_keeps_its_last_row(batch_size):
    # Within one batch on PostgreSQL the upsert could not touch a row twice.
    text = onspd_text(
        onspd_row("SE17 2AA", lat="51.1"),
        onspd_row("SE17 2AB", lat="51.2"),
        onspd_row("se172aa", lat="51.3"),
        onspd_row("SE17 2AA", lat="51.4"),
    )

    report = postcodes_import(lines=io.StringIO(text), batch_size=batch_size)

    assert report.imported == 4
    assert {code: lat for code, (lat, _, _) in imported().items()} == {
        "SE17 2AA": 51.4,
        "SE17 2AB": 51.2,
    }


@pytest.mark.django_db
def test_blank_lines_are_not_rows_and_unreadable_rows_are_skipped():
    text = onspd_text(
        onspd_row("SE17 2AA"),
        onspd_row('"' + "x" * 200_000 + '"'),
        onspd_row("SE17 2AB"),
    ).replace("\n", "\n\n", 1)

    report = postcodes_import(lines=io.StringIO(text))

    assert report.rows_read == 3
    assert report.imported == 2
    assert [(bad.line, bad.reason) for bad in report.bad_rows] == [(4, Skip.UNREADABLE)]
    assert set(imported()) == {"SE17 2AA", "SE17 2AB"}


@pytest.mark.django_db
def test_an_import_keeps_only_the_first_bad_rows_but_counts_them_all():
    text = onspd_text(*(onspd_row("QQ1 1QQ") for _ in range(BAD_ROWS_KEPT + 7)))

    report = postcodes_import(lines=io.StringIO(text))

    assert report.skipped == {Skip.POSTCODE: BAD_ROWS_KEPT + 7}
    assert len(report.bad_rows) == BAD_ROWS_KEPT
    assert report.bad_rows_not_kept == 7


def lines_then_crash(path, after: int) -> Iterator[str]:
    with path.open(newline="") as lines:
        for number, line in enumerate(lines, start=1):
            if number > after:
                raise OSError("The disk went away.")
            yield line


@pytest.mark.django_db(transaction=True)
def test_an_import_that_stops_part_way_keeps_its_batches_and_a_rerun_completes_it(
    tmp_path,
):
    path = tmp_path / "onspd.csv"
    onspd_write(path, rows=1000)

    # The header and 349 rows: three batches of 100 are committed, 49 rows lost.
    with pytest.raises(OSError, match="disk went away"):
        postcodes_import(lines=lines_then_crash(path, after=350), batch_size=100)

    assert Postcode.objects.count() == 300
    assert import_events() == []

    with path.open(newline="") as lines:
        report = postcodes_import(lines=lines, batch_size=100)

    assert report.imported == 1000
    assert Postcode.objects.count() == 1000
    assert len(import_events()) == 1


@pytest.mark.django_db
def test_an_import_without_a_header_is_refused():
    with pytest.raises(PostcodeFileError, match="empty"):
        postcodes_import(lines=io.StringIO(""))


# The command.


def run(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_postcodes", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_the_command_imports_a_file_and_summarises(tmp_path):
    path = tmp_path / "onspd.csv"
    onspd_write(path, rows=500, bad_every=100)

    out, err = run(str(path), "--batch-size", "50")

    assert Postcode.objects.count() == 495
    assert out.splitlines() == [
        f"Read 500 rows from {path}.",
        "Imported 495 postcodes.",
        "Skipped 5 rows.",
        *(f"  {SKIP_FOR_KIND[kind]}: 1" for kind in BAD_KINDS),
    ]
    assert err.splitlines()[0].startswith("Line 101: invalid postcode: 'QQ")
    assert "Line 501: wrong number of columns: 40 columns" in err
    assert "more bad rows" not in err


@pytest.mark.django_db
def test_the_command_shows_the_first_bad_rows_then_how_many_more(tmp_path):
    path = tmp_path / "onspd.csv"
    onspd_write(path, rows=600, bad_every=5)

    out, err = run(str(path))

    assert "Skipped 120 rows." in out
    bad_lines = [line for line in err.splitlines() if line.startswith("Line ")]
    assert len(bad_lines) == BAD_ROWS_KEPT
    assert err.splitlines()[-1] == "... and 70 more bad rows."


@pytest.mark.django_db
def test_the_command_reports_progress(tmp_path, monkeypatch):
    monkeypatch.setattr(command_module, "PROGRESS_EVERY", 100)
    path = tmp_path / "onspd.csv"
    onspd_write(path, rows=250)

    _, err = run(str(path), "--batch-size", "50")

    assert err.splitlines() == [
        "100 rows read, 100 imported.",
        "200 rows read, 200 imported.",
    ]


@pytest.mark.django_db
def test_the_command_reads_the_directory_from_its_zip(tmp_path):
    text = io.StringIO()
    onspd_write(text, rows=120)
    path = tmp_path / "ONSPD_FEB_2024.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Documents/Country names and codes UK.csv", "x" * 100_000)
        archive.writestr("Data/ONSPD_FEB_2024_UK.csv", text.getvalue())

    out, _ = run(str(path))

    assert Postcode.objects.count() == 120
    assert f"from {path}:Data/ONSPD_FEB_2024_UK.csv." in out


@pytest.mark.django_db
def test_the_command_reads_standard_input(monkeypatch):
    text = onspd_text(onspd_row("se17 2aa"), onspd_row("SE17 2AB", lat="x"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    out, err = run("-")

    assert set(imported()) == {"SE17 2AA"}
    assert "Read 2 rows from standard input." in out
    assert "Line 3: missing or non-numeric latitude or longitude" in err


@pytest.mark.django_db
def test_the_command_reads_bytes_from_standard_input_and_leaves_it_open(monkeypatch):
    # A byte that is not UTF-8 spoils only its own row.
    data = ("\ufeff" + onspd_text(onspd_row("SE17 2AA"))).encode() + (
        ",".join(onspd_row("SE17 2A\xff")).encode("latin-1") + b"\n"
    )
    stdin = io.TextIOWrapper(io.BytesIO(data))
    monkeypatch.setattr(sys, "stdin", stdin)

    _, err = run("-")

    assert set(imported()) == {"SE17 2AA"}
    assert "Line 3: invalid postcode" in err
    assert not stdin.closed


def test_the_command_refuses_a_file_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        run(str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_the_command_refuses_a_file_without_a_needed_column(tmp_path):
    path = tmp_path / "onspd.csv"
    header = tuple(name for name in HEADER if name != "osward")
    path.write_text(onspd_text(header=header))

    with pytest.raises(CommandError, match="lacks the column osward"):
        run(str(path))

    assert import_events() == []


def test_the_command_refuses_a_zip_without_a_csv(tmp_path):
    path = tmp_path / "onspd.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "Nothing here.")

    with pytest.raises(CommandError, match="holds no CSV"):
        run(str(path))


def test_the_command_refuses_a_batch_size_below_one(tmp_path):
    with pytest.raises(CommandError, match="at least 1"):
        run(str(tmp_path / "onspd.csv"), "--batch-size", "0")


def test_the_synthetic_centres_are_in_great_britain():
    text = io.StringIO()
    onspd_write(text, rows=5000, seed=3)
    lines = text.getvalue().splitlines()[1:]
    rows = [parse_row(line.replace('"', "").split(","), COLUMNS) for line in lines]

    assert len({row.postcode for row in rows}) == 5000
    assert all(49.8 < row.latitude < 59 and -7 < row.longitude < 2 for row in rows)
    assert {row.ward_code[:3] for row in rows} == {"E05", "S13", "W05"}


@pytest.mark.django_db(transaction=True)
def test_each_batch_written_runs_the_postcodes_changed_hook_after_its_commit():
    from django.db import connection

    from kith.places.hooks import postcodes_changed

    seen = []

    def heard():
        # Each batch is committed before the parts above hear of it.
        seen.append((connection.in_atomic_block, len(imported())))

    text = onspd_text(
        onspd_row("SE17 2AA"), onspd_row("SE17 2AB"), onspd_row("SE17 2AD")
    )
    with postcodes_changed.connected(heard):
        postcodes_import(lines=io.StringIO(text), batch_size=2)

    assert seen == [(False, 2), (False, 3)]
