"""Step curves (survival curves, say) as the points a line chart draws, for the CLI and the TUI."""


def step_curve(points: list[tuple[float, float]], until: float | None = None) -> tuple[list[float], list[float]]:
    """A step function through (x, y) points, drawn as a line: each new y starts where x does.

    With `until`, the last level runs on to that x (a survival curve's longest follow-up).
    """
    xs: list[float] = []
    ys: list[float] = []
    for x, y in points:
        if xs:
            xs.append(x)
            ys.append(ys[-1])
        xs.append(x)
        ys.append(y)
    if until is not None and xs:
        xs.append(until)
        ys.append(ys[-1])
    return xs, ys
