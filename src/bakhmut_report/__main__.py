"""``python -m bakhmut_report``: the same command line as ``bakhmut-report``."""

import sys

from .run.cli import main

sys.exit(main())
