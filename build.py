"""Build the patient leaflets: ``python3 build.py --help``."""

import sys

from leaflets.bootstrap import ensure_environment

ensure_environment(sys.argv[1:])

from leaflets.cli import main  # noqa: E402  (only importable once the environment is ready)

sys.exit(main())
