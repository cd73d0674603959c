"""The one real clock of the commands, and their exit codes."""

from __future__ import annotations

from datetime import UTC, datetime

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def now() -> datetime:
    """The gate's clock: the real time. SOURCE_DATE_EPOCH never moves it (CONTRACT 7)."""
    return datetime.now(UTC)
