"""`cstui qbr KEY`: the quarterly business review pack, as HTML (charts inline) and Markdown (issue 29)."""

from pathlib import Path
from typing import Annotated

import typer

from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage.records.accounts import get_account


def register(app: typer.Typer) -> None:
    app.command("qbr")(qbr)


def qbr(
    key: Annotated[str, typer.Argument(help="The account's key.")],
    quarter: Annotated[
        str | None, typer.Option("--quarter", help="The quarter, like 2026Q4 (default: the one --as-of is in).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="The directory to write the files into.")] = Path("."),
    internal: Annotated[
        bool,
        typer.Option("--internal", help="Add the health score, CSM sentiment and renewal call (not for the customer)."),
    ] = False,
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Write the account's QBR pack for a quarter: one HTML file to open or print to PDF, and Markdown."""
    from cstui.documents.qbr_pack import write_pack
    from cstui.readmodels.qbr import parse_quarter, qbr_pack, quarter_of
    from cstui.storage.qbr import keep_pack

    today = as_of_date(as_of)
    book = open_book(db)
    account = get_account(book, key)
    chosen = parse_quarter(quarter) if quarter is not None else quarter_of(today)
    pack = qbr_pack(book.conn, account.id, chosen, today, internal)
    try:
        html, markdown = write_pack(pack, out)
    except OSError as error:
        raise UserError(
            f"--out {visible(out, one_line=True)}: cannot write there ({error.strerror or error})"
        ) from None
    keep_pack(book, account.id, account.key, chosen.label, today, pack.figures.to_json())
    typer.echo(visible(f"{account.key} {chosen.label}: {html}", one_line=True))
    typer.echo(visible(f"{account.key} {chosen.label}: {markdown}", one_line=True))
