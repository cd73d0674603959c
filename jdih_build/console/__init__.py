"""Console: what the commands print (problems, gate results, progress), safely for a terminal."""
