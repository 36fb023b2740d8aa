"""What the watchdog (handlers/watchdog.py) shares with the template: the events its rules send it and
the metrics its alarm and dashboard read (resources/watchdog.py, resources/monitoring.py,
resources/dashboard.py)."""

from __future__ import annotations

# (source, detail-type) of the events the watchdog handles: its schedule's and the STANDARD machine's
# status-change rule's.
SCHEDULED = ("aws.events", "Scheduled Event")
STATUS_CHANGE = ("aws.states", "Step Functions Execution Status Change")
# Metric names (namespace SalesPipeline, dimension FunctionName = this function): RedrivesExhausted alarms.
FILES_MARKED_FAILED = "FilesMarkedFailed"
FILES_REDRIVEN = "FilesRedriven"
REDRIVES_EXHAUSTED = "RedrivesExhausted"
