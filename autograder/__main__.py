"""``python -m autograder`` is the ``autograder`` console script."""
import sys

from .cli import main

sys.exit(main())
