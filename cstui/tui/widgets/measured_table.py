"""A DataTable whose rows are never drawn at stale column widths (the check-in's redraw glitch, issue 25).

Textual measures the width of new rows' cells when the table next goes idle, but caches each
rendered cell and line under an update count that a change of column widths does not move. A frame
painted between `add_row` and that idle - a busy morning, the UI thread late to go idle after
a reload - cached every cell cut to its column header's width (the risk mark, a column without a
header, vanished), and the cache kept serving those cells until the table was cleared, i.e. until
the screen was left and reopened. This table moves the update count when the measuring changed a
width, so the next frame draws the rows again at their widths.
"""

from collections.abc import Iterable

from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class MeasuredTable(DataTable):
    """A DataTable that draws its rows again when their measured widths change."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = [column.content_width for column in self.columns.values()]
        super()._update_dimensions(new_rows)
        if [column.content_width for column in self.columns.values()] != before:
            self._update_count += 1  # the cells and lines cached so far were drawn at the old widths
            self.refresh()
