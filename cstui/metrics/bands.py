"""The health bands, one enum for the engine, the CLI and the TUI.

A `StrEnum`, so a band is stored, printed and serialised as its plain name ("green"), exactly as
before it was an enum, while code compares against members instead of bare strings.
"""

from enum import StrEnum


class Band(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NO_DATA = "no data"  # no component had data
    CHURNED = "churned"  # not a health band: what the account list shows for accounts off the books


# The scored bands, best first: the order of every band count, table row and chart stack.
SCORED = (Band.GREEN, Band.YELLOW, Band.RED)
# The check-in queue and the account list look at the worst first.
URGENCY = {Band.RED: 0, Band.YELLOW: 1, Band.NO_DATA: 2, Band.GREEN: 3}
