"""``python -m app.cli``."""

import sys

from .main import main

sys.exit(main())
