"""Import the ONS Postcode Directory (ONSPD) into the Postcode table.

The directory has about 2.7 million rows, so the import streams: it reads one
row at a time with the csv module, keeps one batch in memory, and writes and
commits each batch in its own transaction. A crash keeps the batches already
written, and running the import again completes it: every row is written with
``INSERT ... ON CONFLICT (postcode) DO UPDATE``, so a second run leaves one copy
of each postcode with the newest centre and ward.

Rows that cannot be imported are counted by reason and reported with their line
number; the import goes on without them.
"""

import csv
import io
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.db import connection, transaction

from kith.core.errors import ApplicationError
from kith.core.services import audit_record
from kith.places import hooks
from kith.places.models import Postcode
from kith.places.postcodes import postcode_or_none

# The ONSPD columns the import reads, by header name.
COLUMN_POSTCODE = "pcds"
COLUMN_LATITUDE = "lat"
COLUMN_LONGITUDE = "long"
COLUMN_WARD = "osward"
COLUMNS_NEEDED = (COLUMN_POSTCODE, COLUMN_LATITUDE, COLUMN_LONGITUDE, COLUMN_WARD)

# ONSPD gives a postcode with no grid reference this centre, in the sea.
NO_COORDINATES = (99.999999, 0.0)

# An ONS ward code: a letter for the nation, then eight digits (E05000123).
_WARD_CODE = re.compile(r"[A-Z][0-9]{8}")

# The member of an ONSPD zip that holds the whole directory in one file.
_ONSPD_MEMBER = re.compile(r"(?:^|/)Data/ONSPD_[^/]*\.csv$", re.IGNORECASE)

BAD_ROWS_KEPT = 50

_SCRATCH_TABLE = "places_postcode_import"


class Skip(StrEnum):
    """Why a row was not imported. The value is how the summary names it."""

    COLUMNS = "wrong number of columns"
    POSTCODE = "invalid postcode"
    NO_COORDINATES = "no coordinates"
    COORDINATES = "missing or non-numeric latitude or longitude"
    OUT_OF_RANGE = "latitude or longitude out of range"
    WARD = "missing or invalid ward code"
    UNREADABLE = "not readable as CSV"


class PostcodeFileError(ApplicationError):
    """The file cannot be imported at all: it is missing, or lacks a column."""


class Columns(NamedTuple):
    """Where the needed columns are in each row, and how wide a row is."""

    postcode: int
    latitude: int
    longitude: int
    ward: int
    width: int


class PostcodeRow(NamedTuple):
    """A row ready to write: the parameters of one upsert, in column order."""

    postcode: str
    latitude: float
    longitude: float
    ward_code: str


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: Skip
    detail: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}: {self.detail}."


class RowSkipped(ValueError):
    """parse_row's answer for a row it cannot import."""

    def __init__(self, reason: Skip, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class ImportReport:
    """What an import did. ``bad_rows`` keeps only the first few, to bound memory."""

    rows_read: int = 0
    imported: int = 0
    skipped: dict[Skip, int] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    batches: int = 0

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def bad_rows_not_kept(self) -> int:
        return self.skipped_total - len(self.bad_rows)

    def counts(self) -> dict[str, int]:
        """The counts as plain data, for the audit trail."""
        return {
            "rows_read": self.rows_read,
            "imported": self.imported,
            "skipped": self.skipped_total,
            **{
                f"skipped_{reason.name.lower()}": n
                for reason, n in self.skipped.items()
            },
        }


def columns_find(header: Sequence[str]) -> Columns:
    """Find the needed columns in an ONSPD header, by name, ignoring case.

    Raises PostcodeFileError naming the columns the header lacks.
    """
    names = [name.strip().lstrip("\ufeff").strip().lower() for name in header]
    missing = [name for name in COLUMNS_NEEDED if name not in names]
    if missing:
        raise PostcodeFileError(
            "The file's first line lacks the column"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            "Is it the ONS Postcode Directory in CSV form?",
            code="columns_missing",
        )
    # mypy cannot count the starred positions, so thinks width is given twice.
    return Columns(*(names.index(name) for name in COLUMNS_NEEDED), width=len(names))  # type: ignore[misc]


def parse_row(row: Sequence[str], columns: Columns) -> PostcodeRow:
    """Turn one ONSPD row into a postcode, its centre and its ward.

    The postcode is normalised (``se17 2aa`` → ``SE17 2AA``). Raises RowSkipped
    with the reason when the row has the wrong number of columns, the postcode
    is not the shape of one, ONSPD marks it as having no grid reference, the
    latitude or longitude is missing, not a number or out of range, or the ward
    code is missing or not the shape of one.
    """
    if len(row) != columns.width:
        raise RowSkipped(
            Skip.COLUMNS, f"{len(row)} columns where the header has {columns.width}"
        )
    raw_postcode = row[columns.postcode]
    postcode = postcode_or_none(raw_postcode)
    if postcode is None:
        raise RowSkipped(Skip.POSTCODE, repr(raw_postcode))
    raw_latitude = row[columns.latitude]
    raw_longitude = row[columns.longitude]
    try:
        latitude = float(raw_latitude)
        longitude = float(raw_longitude)
    except ValueError:
        raise RowSkipped(
            Skip.COORDINATES,
            f"{postcode} has latitude {raw_latitude!r}, longitude {raw_longitude!r}",
        ) from None
    if (latitude, longitude) == NO_COORDINATES:
        raise RowSkipped(Skip.NO_COORDINATES, postcode)
    # Written so that NaN fails too.
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        raise RowSkipped(
            Skip.OUT_OF_RANGE,
            f"{postcode} has latitude {raw_latitude}, longitude {raw_longitude}",
        )
    ward_code = row[columns.ward].strip().upper()
    if not _WARD_CODE.fullmatch(ward_code):
        raise RowSkipped(Skip.WARD, f"{postcode} has ward code {row[columns.ward]!r}")
    return PostcodeRow(postcode, latitude, longitude, ward_code)


def _batch_writer(vendor: str) -> Callable[[dict[str, PostcodeRow]], None]:
    """A function that upserts one batch and commits it, for the database in use.

    SQLite runs one prepared statement per row with executemany, which is as
    fast as it gets there. On PostgreSQL a statement per row is slow; the batch
    is copied into a scratch table and upserted from it with one statement,
    which cannot touch a postcode twice, so a batch must not repeat one.
    """
    meta = Postcode._meta
    quote = connection.ops.quote_name
    # Names come from the model, quoted; values are parameters or copied.
    table = quote(meta.db_table)
    # Every name is a concrete column of Postcode (get_field is typed for any field).
    key, *others = (quote(meta.get_field(name).column) for name in PostcodeRow._fields)  # type: ignore[union-attr, arg-type]
    names = ", ".join((key, *others))
    updates = ", ".join(f"{col} = excluded.{col}" for col in others)
    # Leave unchanged rows alone, so a re-run writes (and on PostgreSQL,
    # bloats) only what changed.
    changed = " OR ".join(f"{table}.{col} <> excluded.{col}" for col in others)
    on_conflict = f"ON CONFLICT ({key}) DO UPDATE SET {updates} WHERE {changed}"

    if vendor == "postgresql":
        scratch = quote(_SCRATCH_TABLE)
        create = f"CREATE TEMPORARY TABLE {scratch} (LIKE {table}) ON COMMIT DROP"
        copy = f"COPY {scratch} ({names}) FROM STDIN"
        upsert = (
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {scratch} "  # noqa: S608
            f"{on_conflict}"
        )
        # Dropped by hand too, for when the import runs inside a transaction.
        drop = f"DROP TABLE {scratch}"

        def write_postgresql(batch: dict[str, PostcodeRow]) -> None:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(create)
                with cursor.cursor.copy(copy) as rows:
                    for row in batch.values():
                        rows.write_row(row)
                cursor.execute(upsert)
                cursor.execute(drop)

        return write_postgresql

    upsert = f"INSERT INTO {table} ({names}) VALUES (%s, %s, %s, %s) {on_conflict}"  # noqa: S608

    def write(batch: dict[str, PostcodeRow]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(upsert, list(batch.values()))

    return write


def postcodes_import(
    *,
    lines: Iterable[str],
    batch_size: int = 10_000,
    on_bad_row: Callable[[BadRow], None] | None = None,
    on_batch: Callable[[ImportReport], None] | None = None,
    source: str = "",
) -> ImportReport:
    """Upsert every good row of an ONSPD CSV into the Postcode table.

    ``lines`` is the text of the file, header first, such as an open file.
    Each batch of ``batch_size`` rows is written and committed in its own
    transaction, so an import that stops part way keeps what it wrote, and
    running it again completes it. Within a batch the last row for a postcode
    wins. ``on_bad_row`` hears of each skipped row, ``on_batch`` of each
    committed batch. When the import completes it records an audit event.

    Raises PostcodeFileError when the header lacks a needed column.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise PostcodeFileError("The file is empty.", code="empty")
    columns = columns_find(header)
    batch_write = _batch_writer(connection.vendor)
    report = ImportReport()
    skipped = report.skipped
    batch: dict[str, PostcodeRow] = {}

    while True:
        try:
            row = next(reader)
            if not row:
                continue  # A blank line, such as one at the end of the file.
            report.rows_read += 1
            good = parse_row(row, columns)
        except StopIteration:
            break
        except (RowSkipped, csv.Error) as error:
            if isinstance(error, csv.Error):
                # The reader goes on from the next line.
                report.rows_read += 1
                error = RowSkipped(Skip.UNREADABLE, str(error))
            skipped[error.reason] = skipped.get(error.reason, 0) + 1
            bad = BadRow(reader.line_num, error.reason, error.detail)
            if len(report.bad_rows) < BAD_ROWS_KEPT:
                report.bad_rows.append(bad)
            if on_bad_row is not None:
                on_bad_row(bad)
            continue
        batch[good.postcode] = good
        report.imported += 1
        if len(batch) >= batch_size:
            batch_write(batch)
            hooks.postcodes_changed.run()
            batch = {}
            report.batches += 1
            if on_batch is not None:
                on_batch(report)
    if batch:
        batch_write(batch)
        hooks.postcodes_changed.run()
        report.batches += 1
        if on_batch is not None:
            on_batch(report)

    with transaction.atomic():
        audit_record(
            actor=None,
            action="postcodes_imported",
            data={"source": source, **report.counts()},
        )
    return report


# newline="" as the csv module asks; utf-8-sig drops a byte order mark. A byte
# that is not UTF-8 becomes U+FFFD, so its row is reported rather than the
# import stopping (or is imported, when the byte is in a column not read).
_TEXT: dict[str, Any] = {"encoding": "utf-8-sig", "errors": "replace", "newline": ""}


def _text(binary: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(binary, **_TEXT)


def zip_member_choose(members: Sequence[zipfile.ZipInfo]) -> zipfile.ZipInfo | None:
    """Pick the CSV to read from an ONSPD zip.

    The whole directory is in Data/ONSPD_<date>_UK.csv; the zip also holds
    the same rows split by area under Data/multi_csv/, and lookup tables under
    Documents/. Failing that, the largest CSV in the zip.
    """
    csvs = [m for m in members if m.filename.lower().endswith(".csv")]
    onspd = [m for m in csvs if _ONSPD_MEMBER.search(m.filename)]
    candidates = onspd or csvs
    if not candidates:
        return None
    return max(candidates, key=lambda m: m.file_size)


@contextmanager
def onspd_open(path: str | Path) -> Iterator[tuple[IO[str], str]]:
    """Open an ONSPD CSV, a zip holding one, or ``-`` for standard input.

    Yields the text and the name of what is being read. Raises
    PostcodeFileError when the file does not exist or holds no CSV.
    """
    if str(path) == "-":
        stdin = sys.stdin
        buffer = getattr(stdin, "buffer", None)
        if buffer is None:
            yield stdin, "standard input"
            return
        text = _text(buffer)
        try:
            yield text, "standard input"
        finally:
            text.detach()  # Leave sys.stdin open.
        return

    path = Path(path)
    if not path.is_file():
        raise PostcodeFileError(f"There is no file {path}.", code="not_found")
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as error:
            raise PostcodeFileError(
                f"{path} is not a zip file that can be read: {error}.", code="bad_zip"
            ) from None
        with archive:
            member = zip_member_choose(archive.infolist())
            if member is None:
                raise PostcodeFileError(f"{path} holds no CSV file.", code="no_csv")
            with _text(archive.open(member)) as text:
                yield text, f"{path}:{member.filename}"
        return
    with path.open(**_TEXT) as text:
        yield text, str(path)
