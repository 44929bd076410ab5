"""What a usable health configuration is: the one rule the engine, `cstui doctor` and writers share.

`health_config` can be edited with any SQLite tool, so it may hold `inf` (`1e309`), text, or a
yellow band above the green one. With a value that is not a finite number every account turns
red, snapshots lose their scores and `health explain` fails: the engine refuses to score with it
(`unusable`). Values that compute but make no sense (a weight of 250, every weight 0, yellow above
green) are left to `cstui doctor`, which names each bad setting with the command that fixes it.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

WEIGHT_RANGE = (0.0, 100.0)  # each component's weight; the defaults add up to 100
BAND_RANGE = (0.0, 100.0)  # band thresholds are scores
# The values migrations/0001_initial.sql puts in a new book, offered as the fix.
DEFAULT_WEIGHTS = {"usage": 25, "adoption": 15, "surveys": 20, "support": 15, "payment": 10, "relationship": 15}
DEFAULT_BANDS = {"band.green": 70, "band.yellow": 40}


@dataclass(frozen=True)
class ConfigProblem:
    """One unusable setting: what is wrong, in words, and the command that puts it right."""

    name: str
    message: str
    fix: str
    unusable: bool  # True: the score cannot be computed with it at all


def _number(value: object) -> float | None:
    """A finite number as stored by SQLite (int or float), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if isinstance(value, str) else str(value)


def _sql_fix(name: str, value: float, book: str | None) -> str:
    """A command that sets one setting with any SQLite tool (`BOOK` where the path is not known)."""
    return f"sqlite-utils query {book or 'BOOK'} \"UPDATE health_config SET value = {value:g} WHERE name = '{name}'\""


def config_problems(rows: Iterable[tuple[str, object]], book: str | None = None) -> list[ConfigProblem]:
    """Every unusable weight or band among `health_config` rows (name, value).

    `book`, the book's path quoted for a shell, goes into the fix commands when known.
    """
    values = dict(rows)
    db = f" --db {book}" if book else ""
    problems = []
    weights = {}
    for key, default in DEFAULT_WEIGHTS.items():
        name = f"weight.{key}"
        if name not in values:
            continue  # a missing weight counts as 0
        value = _number(values[name])
        low, high = WEIGHT_RANGE
        if value is None or not low <= value <= high:
            problems.append(
                ConfigProblem(
                    name,
                    f"{name} is {_shown(values[name])}, not a number from {low:g} to {high:g}",
                    # cstui's own write path records the old value in the history as JSON, which
                    # cannot hold inf: a value that is not a number is replaced with SQL instead.
                    _sql_fix(name, default, book)
                    if value is None
                    else f"cstui health weights --set {key}={default}{db}",
                    unusable=value is None,
                )
            )
        else:
            weights[key] = value
    if not problems and weights and not any(weights.values()):
        problems.append(
            ConfigProblem(
                "weight.*",
                "every weight is 0, so no account gets a score",
                f"cstui health weights --set usage=25{db}",
                unusable=False,
            )
        )
    bands = {}
    for name in DEFAULT_BANDS:
        if name not in values:
            continue
        value = _number(values[name])
        low, high = BAND_RANGE
        if value is None or not low <= value <= high:
            problems.append(
                ConfigProblem(
                    name,
                    f"{name} is {_shown(values[name])}, not a score from {low:g} to {high:g}",
                    _sql_fix(name, DEFAULT_BANDS[name], book),
                    unusable=value is None,
                )
            )
        else:
            bands[name] = value
    if len(bands) == 2 and bands["band.yellow"] > bands["band.green"]:
        problems.append(
            ConfigProblem(
                "band.yellow",
                f"band.yellow ({bands['band.yellow']:g}) is above band.green ({bands['band.green']:g})",
                _sql_fix("band.yellow", DEFAULT_BANDS["band.yellow"], book),
                unusable=False,
            )
        )
    return problems
