"""The accounts list's filter box: a Textual Input that is redrawn, not relaid out, on each keystroke."""

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FilterBox(Input):
    """An Input of fixed size (its CSS gives width and height).

    Input records the width of its text in `virtual_size` on every change, and that reactive asks for a
    layout of the whole screen, which repaints every widget on it: a third of a filter keystroke's cost
    in the list of 10,000 accounts. The box's size never depends on its text, so here the reactive only
    repaints the box; scrolling the text within the box reads `virtual_size` as before.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
