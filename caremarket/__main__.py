import sys

from caremarket.cli import main

sys.exit(main(sys.argv))
