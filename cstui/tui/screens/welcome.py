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
    ("accounts.csv", "one row per customer: key, name, start_date, segment, plan, renewal_date ..."),
    ("contacts.csv", "people at each account (account_key, name, email, role)"),
    ("mrr_history.csv", "monthly recurring revenue by effective date"),
    ("invoices.csv", "invoice_no, account_key, amount, issued, due and paid dates"),
    ("surveys.csv", "NPS, CSAT and CES responses"),
    ("usage_daily.csv", "active users and events per account and day"),
    ("features.csv, feature_usage.csv", "which features exist and who uses them"),
    ("tickets.csv", "support tickets"),
    ("interactions.csv", "calls, meetings, emails and notes"),
)


def welcome_text(book_name: str) -> Text:
    """What the screen says: the book is empty, and the two ways to fill it."""
    text = Text()
    text.append("Welcome to cstui\n\n", style="bold")
    text.append("The book ")
    text.append(visible(book_name, one_line=True), style="bold")
    text.append(" has no accounts yet, so there is nothing to add up. Fill it in one of two ways:\n\n")
    text.append("1. Import your data", style="bold")
    text.append(" (quit with q, then in the shell):\n")
    text.append("     cstui import DIR", style="bold cyan")
    text.append("   reads every one of these files found in DIR:\n")
    for name, what in IMPORT_FILES:
        text.append(f"     {name:<34}", style="cyan")
        text.append(f"{what}\n")
    text.append("   The columns of each file: README.md, 'Import format'; a file from another tool\n")
    text.append("   (other names, ';', DD/MM/YYYY): press ", style="")
    text.append("i", style="bold")
    text.append(" here to map its columns on screen.\n\n")
    text.append("2. Try the app on a demo book", style="bold")
    text.append(" (150 accounts, 3 years; your book is not touched):\n")
    text.append("     cstui demo", style="bold cyan")
    text.append("   builds demo.db in cstui's data folder and opens it.\n\n")
    text.append("enter", style="bold")
    text.append(" goes on to the (empty) dashboard, ")
    text.append("q", style="bold")
    text.append(" quits.")
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
