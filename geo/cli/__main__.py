"""``python -m geo.cli``: the ``conflictmap`` command."""

import sys

from geo.cli.main import main

sys.exit(main())
