"""``python -m leaflets``: the same command line as ``leaflets`` and ``build.py``."""

import sys

from leaflets.cli import main

try:
    sys.exit(main())
except KeyboardInterrupt:   # Ctrl-C outside what a command handles itself: no traceback
    sys.exit(130)           # the shells' code for a command ended by SIGINT
