"""The reporting commands: jdih status, and jdih report with the timing of each SOP step."""
