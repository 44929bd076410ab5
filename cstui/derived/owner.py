"""The derived data one app holds in memory for its book, and the locks around it (issue 24).

One `DerivedData` per app (`CstuiApp.derived`), passed to what needs it, never a module global:
two apps in one process (the tests run many) never share findings or scores, and a book's
remembered data dies with the app that opened it.
"""

import threading
from dataclasses import dataclass, field

from cstui.derived.checkin_day import Kept
from cstui.derived.health_cache import RememberedScores


@dataclass
class DerivedData:
    """What the app's workers compute and share, with one lock for each thing two of them change.

    `findings` is the day's check-in as last computed or read (the screen's reloads apply only
    what changed); `findings_lock` makes the check-in screen wait for findings being prepared ahead
    instead of computing them a second time. `months_lock` lets one computation of the trends'
    months run at a time: the trends opened while the months are computed in the background wait
    for them and then read them stored. `scores` locks itself (`RememberedScores`)."""

    scores: RememberedScores = field(default_factory=RememberedScores)
    findings_lock: threading.Lock = field(default_factory=threading.Lock)
    findings: Kept | None = None
    months_lock: threading.Lock = field(default_factory=threading.Lock)
