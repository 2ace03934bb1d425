"""Build the patient leaflets: ``python3 build.py --help``."""

import sys

from leaflets.bootstrap import ensure_environment

ensure_environment(sys.argv[1:])

try:
    from leaflets.cli import main  # only importable once the environment is ready

    sys.exit(main())
except KeyboardInterrupt:   # Ctrl-C outside what a command handles itself: no traceback
    sys.exit(130)           # the shells' code for a command ended by SIGINT
