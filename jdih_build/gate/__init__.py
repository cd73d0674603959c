"""Gate: decide, as a pure function of the loaded site and the clock, which products may be published."""
