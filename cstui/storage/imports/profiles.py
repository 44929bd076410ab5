"""Import profiles kept in the book (`import_profiles`, migration 0012): save, load, list, delete."""

import json
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.imports.builtin_profiles import BUILTIN
from cstui.storage.imports.import_profile import ImportProfile

BUILT_IN = "built-in"


@dataclass(frozen=True)
class SavedProfile:
    name: str
    profile: ImportProfile
    saved_on: str


def save_profile(db: Database, name: str, profile: ImportProfile, today: date) -> None:
    """Store `profile` under `name`, replacing a profile of that name."""
    if not name.strip():
        raise UserError("a profile needs a name")
    body = json.dumps(profile.to_json(), ensure_ascii=False, sort_keys=True)
    # A change of its own in the history: `undo` takes back this save, not the change before it.
    with write_transaction(db, change=f"import profile {visible(name.strip(), one_line=True)} saved"):
        db.execute(
            "INSERT INTO import_profiles (name, body, saved_on) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET body = excluded.body, saved_on = excluded.saved_on",
            [name.strip(), body, today.isoformat()],
        )


def load_profile(db: Database, name: str) -> SavedProfile:
    """A saved profile of that name, else the built-in one (`saved_on` then reads "built-in")."""
    row = db.execute("SELECT name, body, saved_on FROM import_profiles WHERE name = ?", [name]).fetchone()
    if row is None and name in BUILTIN:
        return SavedProfile(name, BUILTIN[name].profile, BUILT_IN)
    return load_saved(db, name)


def load_saved(db: Database, name: str) -> SavedProfile:
    row = db.execute("SELECT name, body, saved_on FROM import_profiles WHERE name = ?", [name]).fetchone()
    if row is None:
        known = ", ".join(visible(n, one_line=True) for n in profile_names(db)) or "none saved yet"
        raise UserError(
            f"no import profile named '{visible(name, one_line=True)}' (saved: {known}; "
            "`cstui profile list` shows the built-in ones too)"
        )
    return SavedProfile(row[0], ImportProfile.from_json(json.loads(row[1]), f"profile {visible(row[0])}"), row[2])


def profile_names(db: Database) -> list[str]:
    return [name for (name,) in db.execute("SELECT name FROM import_profiles ORDER BY name")]


def list_profiles(db: Database) -> list[SavedProfile]:
    """The built-in profiles, then the saved ones (a saved one may shadow a built-in name)."""
    saved = [load_saved(db, name) for name in profile_names(db)]
    shadowed = {item.name for item in saved}
    built = [SavedProfile(b.name, b.profile, BUILT_IN) for b in BUILTIN.values() if b.name not in shadowed]
    return built + saved


def delete_profile(db: Database, name: str) -> None:
    load_saved(db, name)
    with write_transaction(db, change=f"import profile {visible(name, one_line=True)} deleted"):
        db.execute("DELETE FROM import_profiles WHERE name = ?", [name])
