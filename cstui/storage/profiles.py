"""Import profiles kept in the book (`import_profiles`, migration 0012): save, load, list, delete."""

import json
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage.connection import write_transaction
from cstui.storage.import_profile import ImportProfile


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
    with write_transaction(db):
        db.execute(
            "INSERT INTO import_profiles (name, body, saved_on) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET body = excluded.body, saved_on = excluded.saved_on",
            [name.strip(), body, today.isoformat()],
        )


def load_profile(db: Database, name: str) -> SavedProfile:
    row = db.execute("SELECT name, body, saved_on FROM import_profiles WHERE name = ?", [name]).fetchone()
    if row is None:
        known = ", ".join(visible(n, one_line=True) for n in profile_names(db)) or "none saved yet"
        raise UserError(f"no import profile named '{visible(name, one_line=True)}' (profiles: {known})")
    return SavedProfile(row[0], ImportProfile.from_json(json.loads(row[1]), f"profile {visible(row[0])}"), row[2])


def profile_names(db: Database) -> list[str]:
    return [name for (name,) in db.execute("SELECT name FROM import_profiles ORDER BY name")]


def list_profiles(db: Database) -> list[SavedProfile]:
    return [load_profile(db, name) for name in profile_names(db)]


def delete_profile(db: Database, name: str) -> None:
    load_profile(db, name)
    with write_transaction(db):
        db.execute("DELETE FROM import_profiles WHERE name = ?", [name])
