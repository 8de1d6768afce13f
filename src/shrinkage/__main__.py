"""Command line: ``python -m shrinkage bench [--quick] [options]``."""

from __future__ import annotations

import sys

from .bench import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
