"""The catalogue's commands: jdih new, jdih import, jdih rename and jdih init (what goes into content/)."""
