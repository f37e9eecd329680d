"""manage.py import_postcodes FILE: load the ONS Postcode Directory."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kith.places.importer import (
    BAD_ROWS_KEPT,
    BadRow,
    ImportReport,
    PostcodeFileError,
    onspd_open,
    postcodes_import,
)

PROGRESS_EVERY = 100_000


class Command(BaseCommand):
    help = (
        "Import the ONS Postcode Directory (ONSPD) from its CSV, the zip it comes "
        "in, or - for standard input. Safe to run again: it updates postcodes "
        "already there, and completes an import that stopped part way."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="ONSPD .csv or .zip, or - for standard input.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=10_000,
            help="Rows written and committed together (default 10000).",
        )

    def handle(self, *args, file: str, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        bad_shown = 0
        next_progress = PROGRESS_EVERY

        def on_bad_row(bad: BadRow) -> None:
            nonlocal bad_shown
            if bad_shown < BAD_ROWS_KEPT:
                bad_shown += 1
                self.stderr.write(str(bad))

        def on_batch(report: ImportReport) -> None:
            nonlocal next_progress
            if report.rows_read >= next_progress:
                self.stderr.write(
                    f"{report.rows_read:,} rows read, {report.imported:,} imported."
                )
                next_progress = (
                    report.rows_read // PROGRESS_EVERY + 1
                ) * PROGRESS_EVERY

        try:
            with onspd_open(file) as (lines, source):
                report = postcodes_import(
                    lines=lines,
                    batch_size=batch_size,
                    on_bad_row=on_bad_row,
                    on_batch=on_batch,
                    source=source,
                )
        except PostcodeFileError as error:
            raise CommandError(error.message) from error

        if report.bad_rows_not_kept:
            self.stderr.write(f"... and {report.bad_rows_not_kept:,} more bad rows.")
        self.stdout.write(f"Read {report.rows_read:,} rows from {source}.")
        self.stdout.write(f"Imported {report.imported:,} postcodes.")
        self.stdout.write(f"Skipped {report.skipped_total:,} rows.")
        for reason, count in sorted(report.skipped.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {reason}: {count:,}")
