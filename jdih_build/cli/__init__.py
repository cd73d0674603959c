"""CLI: the `jdih` entry point, its core commands (build, check) and the registry of the others."""
