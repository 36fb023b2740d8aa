"""What each Lambda entry point runs, per lane: inline (small files), ranges and turns (large files),
the ledger attributes the validator returns, the watchdog's decisions. Imports core/, adapters/, seams/."""
