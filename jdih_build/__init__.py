"""jdih-build: a static-site generator for a JDIH catalogue, gated by SOP sign-offs."""

from importlib import metadata

try:
    __version__ = metadata.version("jdih-build")
except metadata.PackageNotFoundError:   # run from a checkout that was never installed
    __version__ = "0.0.0"
