import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitekit import SiteKit  # noqa: E402


@pytest.fixture
def kit(tmp_path: Path) -> SiteKit:
    return SiteKit.create(tmp_path / "site")
