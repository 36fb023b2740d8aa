"""`sales-pipeline review` (alias `python -m review`): the operator's command for the review queue."""
