import sys

from hoptac.cli import main

sys.exit(main())
