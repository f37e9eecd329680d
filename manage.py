#!/usr/bin/env python
"""Django's command-line utility for Kith."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    if not os.environ.get("SECRET_KEY") and not os.environ.get("DATABASE_URL"):
        # No production settings at all: someone working on Kith locally, as
        # with `kith run`. The web server (kith.wsgi) never does this: in
        # production it refuses to start without SECRET_KEY.
        os.environ.setdefault("KITH_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
