import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The suite checks the CLI's English messages (the msgids); tests/console/test_language.py checks the
# Indonesian catalogue and how the language is chosen. Set before anything is imported or run.
os.environ["LANGUAGE"] = "en"
# The build cache's default lies in the user's cache folder (cache/location.py): the suite's own.
os.environ["XDG_CACHE_HOME"] = __import__("tempfile").mkdtemp(prefix="jdih-test-cache-")

from sitekit import SiteKit  # noqa: E402


@pytest.fixture
def kit(tmp_path: Path) -> SiteKit:
    return SiteKit.create(tmp_path / "site")
