"""The start-up baseline: a bare Textual app with what the dashboard's frame has (a header, boxes with
round borders, a footer), run in the same pseudo-terminal as `python -m cstui` and timed the same way."""

from textual.app import App, ComposeResult
from textual.containers import Grid
from textual.widgets import Footer, Header, Static

TITLE = "bare"


class Bare(App):
    TITLE = TITLE
    CSS = """
    Grid { grid-size: 5; height: auto; }
    .box { border: round $primary; height: 5; }
    """
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Grid():
            for n in range(10):
                yield Static(f"box {n}", classes="box")
        yield Footer()


if __name__ == "__main__":
    Bare().run()
