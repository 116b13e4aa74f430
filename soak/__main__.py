"""``python -m soak``: see :mod:`soak.cli`."""

import sys

from soak.cli import main

sys.exit(main())
