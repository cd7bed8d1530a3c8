"""``python -m collabmap`` runs the command line."""

import sys

from collabmap.cli import main

if __name__ == "__main__":  # not when a report's process re-imports the main module
    sys.exit(main())
