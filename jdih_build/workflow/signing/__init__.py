"""The signers' commands: jdih approve (and what it checks and writes), jdih sign-policy, and opening a signer's key."""
