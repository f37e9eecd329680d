"""Benchmark: import_postcodes on a generated ONS Postcode Directory.

Writes a synthetic ONSPD CSV (1,000,000 rows unless --rows says otherwise; the
real directory has about 2.7 million), then runs ``manage.py import_postcodes``
on it in a child process against a fresh, migrated database, so that only the
import's own memory is measured. For scale, it then times the sqlite3 command
line tool's ``.import`` of the same file into a bare table (text columns, no
key, no index, no parsing), the fastest a CSV goes into SQLite.

    .venv/bin/python bench/import_postcodes.py [--rows N] [--batch-size N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/import_postcodes.py

With DATABASE_URL set the import runs on PostgreSQL, in the database kith_bench
(see bench/common.py); the sqlite3 comparison still runs, on SQLite.

Goals: at least 20,000 rows a second, peak memory at most 300 MB.
"""

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common

GOAL_ROWS_PER_S = 20_000
GOAL_PEAK_RSS_MB = 300


def child(path: str, batch_size: int) -> None:
    """Run the import in this process and print what it took, as JSON."""
    common.django_setup(fresh=False)
    from django.core.management import call_command

    from kith.places.models import Postcode

    out = io.StringIO()
    start = time.perf_counter()
    call_command("import_postcodes", path, "--batch-size", str(batch_size), stdout=out)
    seconds = time.perf_counter() - start
    rows_read = int(
        re.search(r"Read ([\d,]+) rows", out.getvalue())[1].replace(",", "")
    )
    result = {
        "seconds": seconds,
        "rows_read": rows_read,
        "peak_rss_mb": common.peak_rss_mb(),
        "postcodes": Postcode.objects.count(),
        "summary": out.getvalue(),
    }
    print(json.dumps(result))


def sqlite3_import_seconds(path: Path, work: Path) -> tuple[float, int] | None:
    """Time the sqlite3 tool's .import of ``path``; None without the tool."""
    sqlite3 = shutil.which("sqlite3")
    if sqlite3 is None:
        return None
    database = work / "sqlite3-import.db"
    start = time.perf_counter()
    subprocess.run(
        [sqlite3, str(database)],
        input=f'.mode csv\n.import "{path}" bare\n',
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    count = subprocess.run(
        [sqlite3, str(database), "SELECT count(*) FROM bare"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return seconds, int(count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.batch_size)
        return 0

    common.django_setup()
    from kith.places.onspd_fake import onspd_write

    database = common.database_label()
    work = Path(tempfile.mkdtemp(prefix="kith-bench-onspd-"))
    try:
        path = work / "ONSPD_BENCH_UK.csv"
        start = time.perf_counter()
        written = onspd_write(path, rows=args.rows, seed=args.seed)
        seconds = time.perf_counter() - start
        size_mb = path.stat().st_size / 1024 / 1024
        print(f"database: {database}")
        print(f"generated {args.rows:,} rows ({size_mb:,.0f} MB) in {seconds:.1f} s")

        done = subprocess.run(
            [
                *(sys.executable, __file__, "--child", str(path)),
                *("--batch-size", str(args.batch_size)),
            ],
            stdout=subprocess.PIPE,
            text=True,
            check=True,
            env=os.environ,
        )
        ours = json.loads(done.stdout.strip().splitlines()[-1])
        if ours["postcodes"] != written.get("good", 0):
            print(
                f"error: {ours['postcodes']:,} postcodes in the database, "
                f"{written.get('good', 0):,} expected",
                file=sys.stderr,
            )
            return 1
        rows_per_s = ours["rows_read"] / ours["seconds"]
        print(
            f"import_postcodes ({database}, batches of {args.batch_size:,}): "
            f"{ours['rows_read']:,} rows in {ours['seconds']:.1f} s = "
            f"{rows_per_s:,.0f} rows/s, peak RSS {ours['peak_rss_mb']:.0f} MB"
        )

        theirs = sqlite3_import_seconds(path, work)
        if theirs is None:
            print("sqlite3 .import: no sqlite3 command, comparison skipped")
        else:
            sqlite3_seconds, sqlite3_rows = theirs
            sqlite3_rate = sqlite3_rows / sqlite3_seconds
            print(
                "sqlite3 .import (SQLite, bare table of text, no key or index): "
                f"{sqlite3_rows:,} rows in {sqlite3_seconds:.1f} s = "
                f"{sqlite3_rate:,.0f} rows/s"
            )
            print(
                f"ratio import_postcodes / sqlite3 .import: "
                f"{rows_per_s / sqlite3_rate:.2f}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    common.target("import_rows_per_s", rows_per_s, GOAL_ROWS_PER_S, ">=")
    common.target("import_peak_rss_mb", ours["peak_rss_mb"], GOAL_PEAK_RSS_MB, "<=")
    return 0


if __name__ == "__main__":
    sys.exit(main())
