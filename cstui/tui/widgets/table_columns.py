"""Fixed-width columns for a DataTable sized to the screen (the check-in queue, the renewals).

Both screens pick their (label, width) columns from the terminal's width and reserve the vertical
scrollbar's cells; their tables keep that gutter whether or not the rows overflow
(`scrollbar-gutter: stable` in app.tcss), so the columns fill the rows' width on the first draw, with
one row or a hundred, and after an undo redraws them.
"""

from textual.widgets import DataTable

Columns = tuple[tuple[str, int], ...]
CELL_PADDING = 2  # DataTable's one blank cell either side of each column
SCROLLBAR = 2  # the vertical scrollbar's gutter, kept by `scrollbar-gutter: stable`


def set_columns(table: DataTable[object], columns: Columns) -> bool:
    """Give `table` these columns unless it has them already; True when they changed (the caller
    then draws its rows again: clearing the columns clears the rows)."""
    current = tuple((str(column.label), column.width) for column in table.columns.values())
    if current == columns:
        return False
    table.clear(columns=True)
    for label, width in columns:
        table.add_column(label, width=width)
    return True


def filling(fixed: Columns, last: str, width: int, minimum: int) -> Columns:
    """`fixed` and a `last` column taking what is left of a screen `width` cells wide (at least `minimum`)."""
    used = sum(w + CELL_PADDING for _, w in fixed) + CELL_PADDING + SCROLLBAR
    return (*fixed, (last, max(minimum, width - used)))
