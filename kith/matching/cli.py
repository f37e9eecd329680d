"""``kith match PROBLEM.json``: the best plan for a matching problem.

Reads the problem (a file, or standard input for ``-``), writes the plan as
JSON to standard output and exits 0. A malformed problem is refused on
standard error, one line per fault, with exit status 2; a problem whose
numbers are too large to solve exactly exits 1. The formats are in
docs/matching.md.
"""

import argparse
import json
import sys

from kith.matching.engine import SolverError, solve
from kith.matching.problem import ProblemError, parse_problem

EXIT_UNSOLVABLE = 1
EXIT_MALFORMED = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kith match",
        description=(
            "Match help requests with helpers: writes the best plan as JSON "
            "to standard output."
        ),
    )
    parser.add_argument(
        "problem", help="the problem as JSON (see docs/matching.md), or - for stdin"
    )
    parser.add_argument(
        "--indent", type=int, default=None, help="indent the JSON by this many spaces"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``kith match`` with ``argv`` (default: the command line); the exit
    status."""
    args = _parser().parse_args(argv)
    try:
        if args.problem == "-":
            text = sys.stdin.buffer.read()
        else:
            with open(args.problem, "rb") as file:
                text = file.read()
    except OSError as error:
        print(
            f"kith match: cannot read {args.problem}: {error.strerror}", file=sys.stderr
        )
        return EXIT_MALFORMED
    try:
        problem = parse_problem(text)
    except ProblemError as error:
        for message in error.errors:
            print(f"kith match: {message}", file=sys.stderr)
        return EXIT_MALFORMED
    try:
        plan = solve(problem)
    except SolverError as error:
        print(f"kith match: {error}", file=sys.stderr)
        return EXIT_UNSOLVABLE
    json.dump(plan.as_dict(), sys.stdout, indent=args.indent, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
