"""Helpers the benchmarks share. Not a benchmark: running it does nothing.

A benchmark runs alone from the repository root (``.venv/bin/python
bench/<name>.py``) and calls ``django_setup()`` before importing anything that
needs Django. It gets a database of its own, made afresh:

- SQLite (DATABASE_URL unset): a new temporary KITH_VAR_DIR, removed at exit.
- PostgreSQL (DATABASE_URL set): the database ``kith_bench`` (or
  KITH_BENCH_DATABASE) on the same server, dropped and created again, so never
  point KITH_BENCH_DATABASE at a database you want to keep. The server's
  ``postgres`` database is used to do that.

Child processes started afterwards inherit the environment, so they use the
same database; they call ``django_setup(fresh=False)``.

Each benchmark ends with lines from ``target()``, one per goal, such as
``target import_rows_per_s: 41234 (goal >= 20000) met``.
"""

import atexit
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "kith_bench"


def _postgres_fresh(url: str, name: str) -> str:
    """Drop and create database ``name`` on ``url``'s server; its URL."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_label() -> str:
    """Which database the benchmark runs on, for its output."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        parts = urlsplit(url)
        return f"PostgreSQL {parts.hostname}:{parts.port or 5432}{parts.path}"
    return f"SQLite {Path(os.environ['KITH_VAR_DIR']) / 'kith.sqlite3'}"


def django_setup(*, fresh: bool = True) -> None:
    """Set Django up for a script run alone; with ``fresh``, a new database.

    A fresh database is migrated before this returns.
    """
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    os.environ.setdefault("KITH_DEBUG", "1")
    if fresh:
        if os.environ.get("DATABASE_URL"):
            name = os.environ.get("KITH_BENCH_DATABASE", BENCH_DATABASE)
            os.environ["DATABASE_URL"] = _postgres_fresh(
                os.environ["DATABASE_URL"], name
            )
        else:
            var_dir = tempfile.mkdtemp(prefix="kith-bench-")
            atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
            os.environ["KITH_VAR_DIR"] = var_dir

    import django

    django.setup()
    if fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def peak_rss_mb() -> float:
    """The most memory this process has held at once, in megabytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux counts kilobytes, macOS bytes.
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def target(name: str, value: float, goal: float, op: str) -> bool:
    """Print whether ``value`` meets ``goal`` (``op`` is ``>=`` or ``<=``)."""
    if op == ">=":
        met = value >= goal
    elif op == "<=":
        met = value <= goal
    else:
        raise ValueError(f"op must be >= or <=, not {op!r}")
    print(
        f"target {name}: {_number(value)} (goal {op} {_number(goal)}) "
        f"{'met' if met else 'missed'}"
    )
    return met


def _number(value: float) -> str:
    if float(value).is_integer() or abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}"
