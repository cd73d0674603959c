"""Publish: the catalogue of what the gate let through, rendered to pages, feeds and search, written atomically."""
