"""Preview: `jdih serve`, the live-reloading local server."""
