"""The mapping screen: a foreign CSV's columns assigned to a table's, with a live, checked preview.

Left, the file's headers and first rows (the cursor picks a source column); right, the table's
columns with where each comes from and the closest source header; below, the first 20 rows as the
import would store them, each marked ok or with its problems. The import itself is the ordinary
all-or-nothing `import_path` through the same `ImportProfile`, so the screen can show nothing the
CLI would not accept. File and book text is shown through `Text(visible(...))`.
"""

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage.imports.csv_format import BOOK_RECORDS, FORMATS, CellError
from cstui.storage.imports.csv_source import DAY_FIRST, MONTH_FIRST, SourceFile, open_source
from cstui.storage.imports.import_profile import (
    AccountBy,
    ColumnMap,
    Constant,
    ImportProfile,
    OnlyWhen,
    RowTest,
    ValueMap,
)
from cstui.storage.imports.importer import ImportResult, Money, Preview, import_path, preview_file, read_rates
from cstui.storage.imports.mapping import guess_table, suggestions
from cstui.tui.widgets.field_errors import FieldErrors
from cstui.user_files import CSV_LIMIT, UnreadableFile, check_regular

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp

# The contract's files (the CSM's own records come from `cstui export`, never from another tool).
TABLES = [fmt for fmt in FORMATS if fmt.table not in BOOK_RECORDS]
TABLES = [fmt for fmt in TABLES if fmt.table != "health_snapshots"]
SOURCE_ROWS = 8
# How close a header must be to a column's name for the screen to propose it unasked (a name inside
# the other scores 0.6; "End Date" for name scores 0.55).
PROPOSE_CUTOFF = 0.6


def _text(value: object, style: str = "") -> Text:
    return Text(visible(value, one_line=True), style=style)


class MappingScreen(Screen[ImportResult | None]):
    """Map a CSV file onto one of cstui's tables and import it; returns the import's result."""

    DEFAULT_CSS = """
    MappingScreen #mapping-top { height: 1fr; }
    MappingScreen #mapping-top > Vertical { width: 1fr; }
    MappingScreen #mapping-preview-box { height: 1fr; }
    MappingScreen #mapping-status { height: auto; max-height: 7; padding: 0 1; }
    """
    if TYPE_CHECKING:  # the running cstui app, typed
        app = getters.app(CstuiApp)

    BINDINGS = [
        Binding("a", "assign", "Assign column"),
        Binding("s", "suggest", "Take suggestion"),
        Binding("S", "suggest_all", "Take all suggestions"),
        Binding("x", "clear", "Clear"),
        Binding("t", "next_table", "Next table"),
        Binding("f", "date_order", "Date order"),
        Binding("m", "decimal_mark", "Decimal mark"),
        Binding("p", "next_profile", "Next profile"),
        Binding("k", "account_by", "Find account by"),
        Binding("equals_sign", "constant", "Set constant"),
        Binding("v", "value_map", "Map a word"),
        Binding("w", "skip_when", "Leave rows out"),
        Binding("o", "only_when", "Keep value only when"),
        Binding("d", "default", "Default value"),
        Binding("z", "time_zone", "Time zone"),
        Binding("minus", "minus", "Subtract (refunds)"),
        Binding("c", "currency", "Currency column"),
        Binding("l", "alias", "Ids as aliases"),
        Binding("ctrl+s", "run_import", "Import", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, path: Path | None = None, profile: ImportProfile | None = None, money: Money | None = None
    ) -> None:
        super().__init__()
        self.path = path
        self.profile = profile
        self.preview: Preview | None = None
        # The built-in or saved profile shown (p steps through them), or None for one made here.
        self.profile_name: str | None = None
        # The run's currency options (`--book-currency`, `--rates`): not part of a profile, as on the CLI.
        self.money = money or Money()
        self.field_errors = FieldErrors(self, {"file": ("mapping-file", "mapping-file-error")})
        # The decoded file, kept while its encoding and separator stay (each key re-reads only the rows).
        self._decoded: tuple[tuple[Path, str | None, str | None], SourceFile] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="path of the CSV file to import, then enter", id="mapping-file")
        yield Static("", id="mapping-file-error", classes="error", markup=False)
        with Horizontal(id="mapping-top"):
            with Vertical(classes="box"):
                yield Static("", id="mapping-file-title", classes="box-title", markup=False)
                yield DataTable(id="mapping-source", cursor_type="column")
            with Vertical(classes="box"):
                yield Static("", id="mapping-table-title", classes="box-title", markup=False)
                yield DataTable(id="mapping-targets", cursor_type="row")
        yield Static("", id="mapping-status", markup=False)
        with Vertical(classes="box", id="mapping-preview-box"):
            yield Static("Preview: the first 20 rows as they would be stored", classes="box-title")
            yield DataTable(id="mapping-preview", zebra_stripes=True)
        yield Input(
            placeholder="entry for = (a constant), v (WORD=VALUE), w and o (words; empty: no value), d (a default),"
            " z (time zone), c (book currency, rates file), l (source system)",
            id="mapping-entry",
        )
        yield Input(placeholder="save as profile (name, optional) - ctrl+s imports", id="mapping-profile-name")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#mapping-targets", DataTable).add_columns("column", "", "from", "closest")
        if self.path is None:
            self.query_one("#mapping-file", Input).focus()
        else:
            self.query_one("#mapping-file", Input).display = False
            self.open_file(self.path)

    # --- the file ---

    def on_input_changed(self, event: Input.Changed) -> None:
        """The file field's error goes as soon as it names a file (checked again only while one is shown)."""
        self.field_errors.recheck(event.input, lambda: file_errors(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "mapping-file":
            errors = file_errors(event.value)
            self.field_errors.show(errors)
            if errors:
                return
            event.input.display = False
            self.open_file(Path(event.value.strip()).expanduser())
        elif event.input.id == "mapping-profile-name":
            self.action_run_import()

    def open_file(self, path: Path) -> None:
        self.path = path
        base = self.profile
        recognised = None
        if base is None or not base.mapped:
            from cstui.storage.imports.builtin_profiles import recognise_file

            found = recognise_file(path, base.encoding if base else None, base.delimiter if base else None)
            if found is not None:
                recognised = found.name
                self.profile = replace(
                    found.profile,
                    encoding=base.encoding if base else None,
                    delimiter=base.delimiter if base else None,
                )
        self.profile_name = recognised
        if self.profile is None or not self.profile.mapped:
            # No table chosen yet: the one the headers name best; reading options given stay.
            base = self.profile or ImportProfile(TABLES[0].table)
            try:
                headers = next(open_source(path, base.encoding, base.delimiter).rows(), (0, []))[1]
            except CellError:  # the preview names what is wrong with the file
                headers = []
            table = guess_table([h.strip() for h in headers], TABLES).table
            self.profile = replace(base, table=table, mapped=True)
        self.query_one("#mapping-source", DataTable).focus()
        self.refresh_preview()

    # --- what the keys change ---

    def _entry(self) -> str:
        return self.query_one("#mapping-entry", Input).value.strip()

    def _change(self, **changes: object) -> None:
        """Lay `changes` over the profile; a change the profile refuses is said, not made."""
        assert self.profile is not None
        try:
            self.profile = replace(self.profile, **changes).check()  # type: ignore[arg-type]
        except UserError as error:
            self.say(str(error), error=True)
            return
        self.refresh_preview()

    def action_next_profile(self) -> None:
        """The built-in and saved profiles in turn (the file's own reading options stay)."""
        from cstui.storage.imports.profiles import list_profiles

        if self.profile is None:
            return
        profiles = list_profiles(self.app.book)
        names = [item.name for item in profiles]
        at = names.index(self.profile_name) + 1 if self.profile_name in names else 0
        chosen = profiles[at % len(profiles)]
        self.profile_name = chosen.name
        self.profile = replace(chosen.profile, encoding=self.profile.encoding, delimiter=self.profile.delimiter)
        self.refresh_preview()

    def action_account_by(self) -> None:
        """The source column under the cursor finds the account: by contact email, by email domain,
        by account name, by the source system's id (a profile naming its source), then not at all."""
        source = self._source_column()
        if self.profile is None or not source or self.profile.table == "accounts":
            return
        current = (
            "domain"
            if self.profile.account_from_email == source
            else self.profile.account_by.value
            if self.profile.account_by and self.profile.account_column == source
            else None
        )
        # By the source system's id too, once the profile names that system (a built-in one does).
        following = {None: "contact", "contact": "domain", "domain": "name"}.get(current)
        if current == "name" and self.profile.source:
            following = "id"
        columns = tuple(m for m in self.profile.columns if m.target != "account_key")
        self._change(
            columns=columns,
            account_from_email=source if following == "domain" else None,
            account_by=AccountBy(following) if following in ("contact", "name", "id") else None,
            account_column=source if following in ("contact", "name", "id") else None,
        )

    def action_constant(self) -> None:
        target, value = self._target(), self._entry()
        if self.profile is None or not target:
            return
        kept = tuple(c for c in self.profile.constants if c.column != target)
        columns = tuple(m for m in self.profile.columns if m.target != target)
        self._change(columns=columns, constants=(*kept, Constant(target, value)) if value else kept)

    def action_value_map(self) -> None:
        target, typed = self._target(), self._entry()
        word, sep, value = typed.rpartition("=")
        if self.profile is None or not target or not sep or not word.strip() or not value.strip():
            self.say("type WORD=VALUE in the entry line, then v on the column", error=True)
            return
        self._change(values=(*self.profile.values, ValueMap(target, word.strip(), value.strip())))

    def action_skip_when(self) -> None:
        source = self._source_column()
        if self.profile is None or not source:
            return
        words = tuple(w.strip() for w in self._entry().split(",") if w.strip())
        self._change(skip=(*self.profile.skip, RowTest(source, words)))

    def action_only_when(self) -> None:
        """The column under the right cursor keeps its value only on rows whose source column under the
        left cursor says one of the entry's words (`--only-when`); no words: the condition goes."""
        source, target = self._source_column(), self._target()
        if self.profile is None or not source or not target:
            return
        words = tuple(w.strip() for w in self._entry().split(",") if w.strip())
        kept = tuple(o for o in self.profile.only_when if o.target != target)
        self._change(only_when=(*kept, OnlyWhen(target, RowTest(source, words))) if words else kept)

    def action_default(self) -> None:
        """The entry is the value of the column under the right cursor when the file has none or the
        cell is empty (`--default`: `first-seen` for an account's start date, `@Column` for another column)."""
        target, value = self._target(), self._entry()
        if self.profile is None or not target:
            return
        kept = tuple(d for d in self.profile.defaults if d.column != target)
        self._change(defaults=(*kept, Constant(target, value)) if value else kept)

    def action_time_zone(self) -> None:
        """The entry names the zone UTC timestamps are dated in (`--tz`); empty: dates as written."""
        if self.profile is not None:
            self._change(tz=self._entry() or None)

    def action_minus(self) -> None:
        """The source column under the cursor is subtracted from the amount (`--minus`: refunds,
        credits); pressed again on it, it is not."""
        source = self._source_column()
        if self.profile is not None and source:
            self._change(minus=None if self.profile.minus == source else source)

    def action_currency(self) -> None:
        """The source column under the cursor holds each row's currency (`--currency-column`); the entry
        may name the book's currency and a rates file (`EUR rates.csv`). Empty entry, same column: off."""
        source = self._source_column()
        if self.profile is None or not source:
            return
        words = self._entry().split()
        if not words and self.profile.currency_column == source:
            self._change(currency_column=None)
            return
        code = next((w.upper() for w in words if len(w) == 3 and w.isalpha()), self.money.book_currency)
        files = [w for w in words if not (len(w) == 3 and w.isalpha())]
        try:
            rates = read_rates(Path(files[0]).expanduser()) if files else self.money.rates
        except UserError as error:
            self.say(str(error), error=True)
            return
        self.money = Money(code, rates)
        self._change(currency_column=source)

    def action_alias(self) -> None:
        """The entry names the system the file comes from (`--source`); on an accounts file the source
        column under the cursor is that system's id, kept as the account's alias (`--alias`) so later
        files find the account by it (k). Pressed again on the same column, the alias goes."""
        source, named = self._source_column(), self._entry()
        if self.profile is None:
            return
        system = named or self.profile.source
        if self.profile.table != "accounts":
            self._change(source=system)
            return
        alias = None if self.profile.alias_column == source else source
        self._change(source=system, alias_column=alias)

    def _target(self) -> str | None:
        table = self.query_one("#mapping-targets", DataTable)
        if self.profile is None or not table.row_count:
            return None
        return self.profile.format.names[table.cursor_row]

    def _source_column(self) -> str | None:
        table = self.query_one("#mapping-source", DataTable)
        if self.preview is None or not self.preview.source_header:
            return None
        return self.preview.source_header[min(table.cursor_column, len(self.preview.source_header) - 1)].strip()

    def _map(self, source: str, target: str) -> None:
        assert self.profile is not None
        kept = tuple(m for m in self.profile.columns if m.source != source and m.target != target)
        self.profile = replace(self.profile, columns=(*kept, ColumnMap(source, target)))
        self.refresh_preview()

    def action_assign(self) -> None:
        source, target = self._source_column(), self._target()
        if source and target:
            self._map(source, target)

    def action_suggest(self) -> None:
        target = self._target()
        close = self._suggestion(target) if target else None
        if target and close:
            self._map(close, target)

    def action_suggest_all(self) -> None:
        if self.profile is None:
            return
        for target in self.profile.format.names:
            close = self._suggestion(target)
            if close:
                self._map(close, target)

    def action_clear(self) -> None:
        target = self._target()
        if self.profile is not None and target:
            self.profile = replace(self.profile, columns=tuple(m for m in self.profile.columns if m.target != target))
            self.refresh_preview()

    def action_next_table(self) -> None:
        if self.profile is None:
            return
        tables = [fmt.table for fmt in TABLES]
        following = tables[(tables.index(self.profile.table) + 1) % len(tables)]
        # What was mapped belongs to the other table's columns; the reading options stay.
        self.profile = ImportProfile(
            following,
            date_format=self.profile.date_format,
            decimal=self.profile.decimal,
            encoding=self.profile.encoding,
            delimiter=self.profile.delimiter,
        )
        self.refresh_preview()

    def action_date_order(self) -> None:
        """Detected, then day first, then month first: what `--date-format` settles on the CLI."""
        if self.profile is not None:
            following = {None: DAY_FIRST, DAY_FIRST: MONTH_FIRST}.get(self.profile.date_format)
            self.profile = replace(self.profile, date_format=following)
            self.refresh_preview()

    def action_decimal_mark(self) -> None:
        """Detected, then decimal comma, then decimal point: what `--decimal` settles on the CLI."""
        if self.profile is not None:
            following = {None: ",", ",": "."}.get(self.profile.decimal)
            self.profile = replace(self.profile, decimal=following)
            self.refresh_preview()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _suggestion(self, target: str) -> str | None:
        """The closest source header not used yet, for a column that has no source."""
        if self.preview is None or self.profile is None or target in dict(self.preview.sources):
            return None
        used = set(dict(self.preview.sources).values()) | {m.source for m in self.profile.columns}
        free = [h.strip() for h in self.preview.source_header if h.strip() not in used]
        names = list(self.profile.format.names)
        # Only a close header, and only for the column it is closest to: a survey's "End Date" is
        # nobody's name, and its "Score" is the score, not the source.
        for close in suggestions(target, free, 3, cutoff=PROPOSE_CUTOFF):
            if suggestions(close, names, 1, cutoff=PROPOSE_CUTOFF) == [target]:
                return close
        return None

    # --- showing it ---

    def say(self, message: str, error: bool = False) -> None:
        status = self.query_one("#mapping-status", Static)
        status.update(Text(visible(message), style="bold red" if error else ""))

    def refresh_preview(self) -> None:
        if self.path is None or self.profile is None:
            return
        key = (self.path, self.profile.encoding, self.profile.delimiter)
        if self._decoded is None or self._decoded[0] != key:
            try:
                self._decoded = (key, open_source(*key))
            except CellError:
                self._decoded = None  # the preview reads the file again and names the problem
        source = self._decoded[1] if self._decoded else None
        self.preview = preview = preview_file(
            self.app.book, self.path, self.profile, source=source, today=self.app.as_of, money=self.money
        )
        self._show_source(preview)
        self._show_targets(preview)
        self._show_rows(preview)
        reading = self.profile
        named = f"profile: {self.profile_name} (p: next)" if self.profile_name else "profile: none (p: built-in, saved)"
        notes = [
            named,
            "dates: "
            + {None: "detected", DAY_FIRST: "DD/MM/YYYY", MONTH_FIRST: "MM/DD/YYYY"}.get(
                reading.date_format, reading.date_format or ""
            )
            + " (f), decimal mark: "
            + {None: "detected", ",": "comma", ".": "point"}[reading.decimal]
            + " (m)",
        ]
        if preview.detected:
            notes.append(visible("detected: " + ", ".join(preview.detected), one_line=True))
        if reading.skip:
            words = ", ".join(f"{t.column}={','.join(t.words) or '(empty)'}" for t in reading.skip)
            notes.append(visible(f"rows left out when: {words} (w)", one_line=True))
        notes.extend(visible(note, one_line=True) for note in powers(reading, self.money))
        if preview.ignored:
            notes.append(visible("ignored: " + ", ".join(preview.ignored), one_line=True))
        bad = sum(1 for row in preview.rows if row.problems)
        if preview.problems:
            problems = [visible(p, one_line=True) for p in preview.problems[:6]]
            self.say("\n".join([*problems, *notes]), error=True)
        else:
            shown = f"{len(preview.rows)} rows previewed, {bad} with problems"
            self.say("\n".join([shown, *notes]), error=bool(bad))

    def _show_source(self, preview: Preview) -> None:
        assert self.path is not None
        self.query_one("#mapping-file-title", Static).update(_text(f"File: {self.path.name}"))
        table = self.query_one("#mapping-source", DataTable)
        column = table.cursor_column
        table.clear(columns=True)
        width = len(preview.source_header)
        table.add_columns(*(_text(h) for h in preview.source_header))
        for row in preview.source_rows[:SOURCE_ROWS]:
            table.add_row(*(_text(c) for c in (list(row) + [""] * width)[:width]))
        if width:
            table.move_cursor(column=min(column, width - 1))

    def _show_targets(self, preview: Preview) -> None:
        assert self.profile is not None
        fmt = self.profile.format
        self.query_one("#mapping-table-title", Static).update(_text(f"Table: {fmt.table}  (t: next table)"))
        table = self.query_one("#mapping-targets", DataTable)
        row = table.cursor_row
        table.clear()
        sources = dict(preview.sources)
        for column in fmt.columns:
            source = sources.get(column.name)
            missing = column.required and source is None
            table.add_row(
                _text(column.name, "bold" if column.required else ""),
                Text("required" if column.required else "", style="red" if missing else "dim"),
                _text(source or "-", "" if source else "dim"),
                _text(self._suggestion(column.name) or "", "italic"),
            )
        table.move_cursor(row=min(row, len(fmt.columns) - 1))

    def _show_rows(self, preview: Preview) -> None:
        table = self.query_one("#mapping-preview", DataTable)
        table.clear(columns=True)
        if not preview.header:
            return
        table.add_columns("line", "check", *preview.header)
        for row in preview.rows:
            check = _text("; ".join(p.split(": ", 1)[-1] for p in row.problems), "red") if row.problems else Text("ok")
            cells = list(row.cells) + [""] * (len(preview.header) - len(row.cells))
            table.add_row(Text(str(row.line)), check, *(_text(c) for c in cells))

    # --- the import ---

    def action_run_import(self) -> None:
        if self.path is None or self.profile is None:
            return
        try:
            result = self.app.write(import_path, self.path, None, self.profile, today=self.app.as_of, money=self.money)
        except UserError as error:
            lines = str(error).splitlines()
            self.say("\n".join(visible(line, one_line=True) for line in lines[:6]), error=True)
            return
        if result is None:  # the book was busy; the app has said so
            return
        name = self.query_one("#mapping-profile-name", Input).value.strip()
        if name:
            from cstui.storage.imports.profiles import save_profile

            self.app.write(save_profile, name, result.resolved.get(self.profile.table, self.profile), self.app.as_of)
        self.app.book_changed()
        summary = "; ".join(result.lines()[-1:])
        saved = f"; saved as profile '{visible(name, one_line=True)}'" if name else ""
        self.app.say(f"{summary}{saved}", title="Imported")
        self.dismiss(result)


def powers(profile: ImportProfile, money: Money) -> list[str]:
    """The status lines for what the profile does beyond mapping columns, each with its key."""
    notes = []
    if profile.only_when:
        tests = ", ".join(f"{o.target} if {o.test.column}={','.join(o.test.words)}" for o in profile.only_when)
        notes.append(f"values kept only when: {tests} (o)")
    if profile.defaults:
        notes.append("defaults: " + ", ".join(f"{d.column}={d.value}" for d in profile.defaults) + " (d)")
    if profile.tz:
        notes.append(f"timestamps: UTC, dated in {profile.tz} (z)")
    if profile.minus:
        notes.append(f"amount less {profile.minus} (-)")
    if profile.currency_column:
        book = f"book's currency {money.book_currency}" if money.book_currency else "the book's currency"
        rates = f", rates for {', '.join(sorted(money.rates))}" if money.rates else ""
        notes.append(f"currency: {profile.currency_column}, converted into {book}{rates} (c)")
    if profile.source or profile.alias_column:
        kept = f", {profile.alias_column} kept as the account's id" if profile.alias_column else ""
        notes.append(f"source system: {profile.source}{kept} (l)")
    return notes


def file_errors(typed: str) -> dict[str, str]:
    """Why the typed path cannot be imported, under the field's name ("file"); empty when it can."""
    path = Path(typed.strip()).expanduser()
    if not typed.strip():
        return {"file": "type the path of a CSV file"}
    try:  # a FIFO or a device is named as one, never "no such file" (cstui.user_files)
        check_regular(path, CSV_LIMIT)
    except UnreadableFile as error:
        return {"file": f"{visible(path, one_line=True)}: {error.why}"}
    return {}


def mapping_app(
    book_path: Path, path: Path, profile: ImportProfile | None, as_of: date, money: Money | None = None
) -> "CstuiApp":
    """`cstui import FILE --interactive`: the app opened on the mapping screen, the dashboard under it."""
    from cstui.tui.app import CstuiApp

    class MappingApp(CstuiApp):
        def on_mount(self) -> None:
            super().on_mount()
            # Done (imported or cancelled): back to the shell, which prints the import's summary.
            self.push_screen(MappingScreen(path, profile, money), callback=self.exit)

    return MappingApp(book_path, as_of=as_of)
