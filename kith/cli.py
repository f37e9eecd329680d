"""The `kith` command.

kith run     migrate, load the demo once, start the web server, the task
             worker and the scheduler, print the address and the demo logins;
             Ctrl-C stops them all
kith reset   delete the local data and load the demo afresh
kith manage  any Django management command (kith manage createsuperuser)
kith match   solve a matching problem: kith match PROBLEM.json (or - for stdin)
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    if not env.get("DATABASE_URL") and not env.get("SECRET_KEY"):
        # No production settings given: this is someone trying Kith out.
        env.setdefault("KITH_DEBUG", "1")
    if env.get("KITH_DEBUG") == "1":
        env.setdefault("KITH_DEMO", "1")
    env.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True
    )


def _prepare(env: dict[str, str]) -> None:
    var_dir = Path(env.get("KITH_VAR_DIR", ROOT / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    _manage("migrate", "--noinput", "-v0", env=env)
    _manage("load_demo", env=env)


def _print_welcome(port: str, env: dict[str, str]) -> None:
    os.environ.update(
        {k: v for k, v in env.items() if k.startswith(("KITH_", "DJANGO_"))}
    )
    import django

    django.setup()
    from kith.site.demo import demo_logins_table

    print()
    print(f"  Kith is running at http://127.0.0.1:{port}/")
    print()
    print("  Demo logins (one per role):")
    for line in demo_logins_table().splitlines():
        print(f"    {line}")
    print()
    print(
        "  Staff (coordinator, council officer, administrator) also enter a code from"
    )
    print("  an authenticator app: in this demo the page shows the current code.")
    print(
        "  Messages Kith sends (sign-in codes, password resets) are written to "
        "var/outbox/."
    )
    print("  Press Ctrl-C to stop.")
    print(flush=True)


def run(port: str) -> int:
    env = _environment()
    _prepare(env)
    _print_welcome(port, env)
    manage = [sys.executable, str(ROOT / "manage.py")]
    processes = [
        # Own process groups: Ctrl-C reaches only this process, which then
        # stops both children in order.
        subprocess.Popen(  # noqa: S603
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            start_new_session=True,
        ),
        subprocess.Popen(  # noqa: S603
            [*manage, "db_worker", "--queue-name", "*", "--no-reload"],
            env=env,
            start_new_session=True,
        ),
        # The scheduler only enqueues periodic jobs; the worker runs them.
        subprocess.Popen(  # noqa: S603
            [*manage, "scheduler"],
            env=env,
            start_new_session=True,
        ),
    ]
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    while not stopping:
        for process in processes:
            if process.poll() is not None:
                print(
                    # args is the list given to Popen above (typed as any command).
                    f"kith: {process.args[2]} stopped (exit {process.returncode}); "  # type: ignore[index, str-bytes-safe]
                    f"stopping."
                )
                status = process.returncode or 1
                stopping = True
        time.sleep(0.2)
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    print("kith: stopped.")
    return status


def reset() -> int:
    env = _environment()
    if env.get("DATABASE_URL"):
        _manage("flush", "--noinput", env=env)
    else:
        var_dir = Path(env.get("KITH_VAR_DIR", ROOT / "var"))
        for suffix in ("", "-wal", "-shm"):
            (var_dir / f"kith.sqlite3{suffix}").unlink(missing_ok=True)
    _prepare(env)
    print("kith: the demo locality has been loaded afresh.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kith", description="Run and manage Kith.")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser(
        "run", help="start the web server, task worker and scheduler"
    )
    run_parser.add_argument("--port", default=os.environ.get("KITH_PORT", "8000"))
    commands.add_parser("reset", help="delete local data and load the demo afresh")
    manage_parser = commands.add_parser(
        "manage", help="run a Django management command"
    )
    manage_parser.add_argument("args", nargs=argparse.REMAINDER)
    commands.add_parser("match", help="solve a matching problem (see docs/matching.md)")
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["match"]:
        # The matching command is pure Python: no Django, no database.
        from kith.matching.cli import main as match_main

        return match_main(arguments[1:])
    options = parser.parse_args(argv)
    if options.command == "run":
        return run(options.port)
    if options.command == "reset":
        return reset()
    env = _environment()
    return subprocess.call(  # noqa: S603 - arguments go to manage.py as typed
        [sys.executable, str(ROOT / "manage.py"), *options.args], env=env
    )


if __name__ == "__main__":
    sys.exit(main())
