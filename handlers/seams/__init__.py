"""What the state machine, the template and the handlers share, declared once: names, limits, shapes.

Imports nothing else of handlers/ (every other package of handlers/ imports this one; the build code
imports only this package and recordcontract/).
"""
