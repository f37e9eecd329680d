"""``python -m kith.matching PROBLEM.json``: the same as ``kith match``."""

import sys

from kith.matching.cli import main

sys.exit(main())
