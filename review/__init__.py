"""`python -m review`: the operator's command for the review queue (summary, export, show, replay, status)."""
