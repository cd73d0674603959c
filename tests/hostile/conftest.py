import os
import sys
from pathlib import Path

from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The short profile runs in `make test`; `make fuzz` sets JDIH_FUZZ_PROFILE=long.
settings.register_profile("short", max_examples=int(os.environ.get("JDIH_FUZZ_EXAMPLES", "60")))
settings.register_profile("long", max_examples=int(os.environ.get("JDIH_FUZZ_EXAMPLES", "10000")))
settings.load_profile(os.environ.get("JDIH_FUZZ_PROFILE", "short"))
