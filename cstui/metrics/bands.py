"""The health bands, one enum for the engine, the CLI and the TUI.

A `StrEnum`, so a band is stored, printed and serialised as its plain name ("green"), exactly as
before it was an enum, while code compares against members instead of bare strings.
"""

from enum import StrEnum


class Band(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    # No score yet: too few components with facts (docs/metrics.md). Stored as "no data", the word the
    # book's `health_snapshots.band` CHECK accepts; shown as its `label`.
    NO_DATA = "no data"
    CHURNED = "churned"  # not a health band: what the account list shows for accounts off the books

    @property
    def label(self) -> str:
        """The band as the CSM reads it: "no score yet" for an account without a score, else its name."""
        return NO_SCORE_LABEL if self is Band.NO_DATA else self.value

    @classmethod
    def _missing_(cls, value: object) -> "Band | None":
        """A band read back from what was shown (a report's JSON says "no score yet")."""
        return cls.NO_DATA if value == NO_SCORE_LABEL else None


NO_SCORE_LABEL = "no score yet"


# The scored bands, best first: the order of every band count, table row and chart stack.
SCORED = (Band.GREEN, Band.YELLOW, Band.RED)
# The check-in queue and the account list look at the worst first.
URGENCY = {Band.RED: 0, Band.YELLOW: 1, Band.NO_DATA: 2, Band.GREEN: 3}
