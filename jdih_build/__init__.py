"""jdih-build: a static-site generator for a JDIH catalogue, gated by SOP sign-offs."""

__version__ = "0.1.0"
