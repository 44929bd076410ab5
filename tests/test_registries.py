"""The extension points are registries that agree with the book: check-in rules and health components."""

from datetime import date
from functools import partial

from cstui.derived.health_cache import current_scores
from cstui.metrics.checkin import checkin_queue, load_rules
from cstui.metrics.checkin_rules import RULES
from cstui.metrics.health import REGISTRY, load_config
from cstui.tui.app import CstuiApp
from tests.tui_helpers import press

DAY = date(2026, 6, 15)


def test_every_rule_row_has_a_registered_rule_and_every_registered_rule_a_row(book):
    rows = load_rules(book.conn)
    assert list(rows) == list(RULES)  # one for one, in the same order
    for name, definition in RULES.items():
        row = rows[name]
        assert row.threshold == definition.default_threshold, name
        assert row.description == definition.description, name
        assert ("THRESHOLD" in definition.description) == (definition.default_threshold is not None), name
        assert (definition.unit != "") == (definition.default_threshold is not None), name


def test_every_playbook_a_rule_suggests_is_one_the_book_ships(book):
    shipped = {name for (name,) in book.execute("SELECT name FROM playbooks")}
    suggested = {name: d.playbook for name, d in RULES.items() if d.playbook is not None}
    assert suggested["new_promoter"] == "promoter advocacy"
    assert set(suggested.values()) <= shipped, set(suggested.values()) - shipped


def test_every_health_component_has_a_weight_row(book):
    weights = {
        name.removeprefix("weight."): value
        for name, value in book.execute("SELECT name, value FROM health_config WHERE name LIKE 'weight.%'")
    }
    assert set(weights) == set(REGISTRY)
    assert load_config(book.conn).weights == {key: weights[key] for key in REGISTRY}


def _add_unknown_rule(book) -> None:
    book.execute("INSERT INTO checkin_rules (name, threshold, description) VALUES ('mystery', 3, 'from the future')")
    book.conn.commit()


def test_an_unknown_rule_row_is_reported_not_ignored(book):
    _add_unknown_rule(book)
    assert checkin_queue(book.conn, DAY, partial(current_scores, book.conn)).unknown_rules == ["mystery"]


async def test_the_check_in_screen_says_which_rule_rows_it_cannot_check(book, book_path):
    _add_unknown_rule(book)
    app = CstuiApp(book_path, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "c")
        progress = str(app.screen.query_one("#checkin-progress").render())
    assert "Not checked: rules in the book with no code in this cstui: mystery" in progress
