"""Workflow: the editors' commands around the SOP (approve, new, status, report, sign-policy)."""
