"""What each Lambda entry point runs, per lane: inline (small files), ranges and turns (large files),
the ledger attributes the validator returns, the watchdog's decisions and sweep, the store-large steps.
Imports core/, adapters/, seams/."""
