"""Load: read the site's files strictly into the data model, reporting every problem at once."""
