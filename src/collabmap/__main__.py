"""``python -m collabmap`` runs the command line."""

import sys

from collabmap.cli import main

sys.exit(main())
