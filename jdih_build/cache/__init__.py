"""The build cache: what earlier builds derived from the same bytes (parsed files, abstracts, PDF text,
rendered pages, search shards), keyed by content hashes so that a changed input is simply a miss.

The cache is a speed-up only: any entry that is missing, damaged or from another version of the tool
is a miss, and a build with an empty cache produces the very same site. The gate never reads it.
"""
