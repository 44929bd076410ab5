"""The first run: an empty book greets the CSM with how to fill it, instead of dashes and zeros."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from cstui.safe_text import visible

# The files `cstui import DIR` reads, in the order they depend on each other (accounts first).
IMPORT_FILES = (
    ("accounts.csv", "customers: key, name, start_date, segment, renewal_date"),
    ("contacts.csv", "people at each account"),
    ("mrr_history.csv", "monthly recurring revenue by effective date"),
    ("invoices.csv", "invoices: issued, due and paid dates"),
    ("surveys.csv", "NPS, CSAT and CES responses"),
    ("usage_daily.csv", "active users per account and day"),
    ("feature_usage.csv", "key features used (with features.csv)"),
    ("tickets.csv", "support tickets"),
    ("interactions.csv", "calls, meetings, emails and notes"),
)


def welcome_text(book_name: str) -> Text:
    """What the screen says: the book is empty, and the two ways to fill it (fits 80x24)."""
    text = Text()
    text.append("Welcome to cstui", style="bold")
    text.append(" - the book ")
    text.append(visible(book_name, one_line=True), style="bold")
    text.append(" has no accounts yet.\n\n")
    text.append("Try the app on a demo book", style="bold")
    text.append(" (150 accounts, 3 years; this book is untouched):\n")
    text.append("    cstui demo", style="bold cyan")
    text.append("        builds demo.db in cstui's data folder and opens it\n\n")
    text.append("Or fill this book with your own data", style="bold")
    text.append(" (q quits, then in the shell):\n")
    text.append("    cstui import DIR", style="bold cyan")
    text.append("  reads each of these CSV files found in DIR:\n")
    for name, what in IMPORT_FILES:
        text.append(f"    {name:<19}", style="cyan")
        text.append(f"{what}\n")
    text.append('  Their columns: README.md, "Import format". A file from another tool\n')
    text.append("  (other headers, ';', DD/MM/YYYY): press ")
    text.append("i", style="bold")
    text.append(" here to map its columns.\n\n")
    text.append("enter", style="bold")
    text.append(": the (empty) dashboard   ")
    text.append("q", style="bold")
    text.append(": quit")
    return text


class WelcomeScreen(Screen[None]):
    """Shown over the dashboard when the book is empty."""

    BINDINGS = [
        Binding("enter,escape", "dismiss_welcome", "Go to the dashboard"),
        Binding("i", "app.import_csv", "Import a CSV"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, book_name: str) -> None:
        super().__init__()
        self.book_name = book_name

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="welcome-body"):
            yield Static(welcome_text(self.book_name), id="welcome")
        yield Footer()

    def action_dismiss_welcome(self) -> None:
        self.dismiss()
