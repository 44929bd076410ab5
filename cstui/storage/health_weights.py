"""The health score's component weights (`weight.<component>` rows of health_config), set by hand:
`cstui health weights --set`, a `--weights` file, the backtest screen's save."""

import math
import re

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.storage.bookfile.connection import write_transaction

WEIGHT_RANGE = (0.0, 100.0)
_DECIMAL = re.compile(r"\d+(\.\d*)?|\.\d+", re.ASCII)


def check_weight(component: str, value: object) -> float:
    """A health-score weight as a finite number in WEIGHT_RANGE (0 to 100), or a UserError.

    The one check behind `cstui health weights --set`, a `--weights` file, the backtest screen's
    save and `save_weights` itself: `1e309` (inf), `nan`, negatives and huge values would turn every
    score into NaN or inf downstream. Text must be plain ASCII decimal (no exponent, no `٣`).
    """
    low, high = WEIGHT_RANGE
    number: float | None = None
    if isinstance(value, str):
        text = value.strip()
        number = float(text) if _DECIMAL.fullmatch(text) else None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    if number is None or not math.isfinite(number) or not low <= number <= high:
        raise UserError(f"weight {component}: {value!r} is not a number from {low:g} to {high:g}")
    return number


def save_weights(db: Database, weights: dict[str, float]) -> bool:
    """Set health-score component weights (`weight.<component>` in health_config); one transaction."""
    checked = {component: check_weight(component, value) for component, value in weights.items()}
    described = ", ".join(f"{component}={value:g}" for component, value in checked.items())
    with write_transaction(db, change=f"health weights set: {described}"):
        for component, value in checked.items():
            updated = db.execute("UPDATE health_config SET value = ? WHERE name = ?", [value, f"weight.{component}"])
            if updated.rowcount != 1:
                raise UserError(f"weight {component}: no such health component")
        total = db.execute("SELECT total(value) FROM health_config WHERE name LIKE 'weight.%'").fetchone()[0]
        if not total:  # every score would be 0/0: refused here, not left for `cstui doctor` to find
            raise UserError(
                "weights: at least one weight must be above 0 (every score would be undefined); nothing set"
            )
    return True
