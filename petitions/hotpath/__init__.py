"""Performance code, walled off: each module says what it buys and where it is measured.

Nothing here is needed to understand what Sori does; it makes the busiest requests
cheap. ``docs/architecture.md`` ("Petitions") and ``make bench`` give the figures.
"""
