import sys

from jdih_build.cli.main import main

sys.exit(main())
