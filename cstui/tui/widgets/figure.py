"""A dashboard card: one figure, its label and the window it covers.

One widget drawing three lines, not a container of three: the dashboard's ten cards were 40 of its
widgets, and styling and laying them out was most of the time between start and the first frame
(issue 15). The lines keep their own styles through component classes, so the theme still colours them.
"""

from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget


class Figure(Widget):
    """Label on top, the value large in the middle, the window underneath."""

    COMPONENT_CLASSES = {"figure--label", "figure--value", "figure--window"}

    def __init__(self, label: str, window: str, *, id: str) -> None:
        super().__init__(id=id, classes="figure")
        self.label = label
        self.window = window
        self._value = Text("…")

    def render(self) -> RenderableType:
        text = Text(self.label, style=self.get_component_rich_style("figure--label"), end="")
        text.append("\n")
        value = self._value.copy()
        value.stylize_before(self.get_component_rich_style("figure--value"))
        text.append_text(value)
        text.append("\n")
        text.append(self.window, style=self.get_component_rich_style("figure--window"))
        return text

    def set_value(self, text: str | Text) -> None:
        self._value = Text(text) if isinstance(text, str) else text
        self.refresh()

    def set_window(self, text: str) -> None:
        self.window = text
        self.refresh()

    @property
    def value(self) -> str:
        return self._value.plain
