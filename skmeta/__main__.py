import sys

from skmeta.cli import main

sys.exit(main())
