"""The typed records a parsed file yields, shared by the parsers, the matcher and the store."""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path


class ItemKind(StrEnum):
    MEETING = "meeting"
    EMAIL = "email"


@dataclass(frozen=True)
class Person:
    """An address on an invitation or a message; `name` is the display name when one was given."""

    email: str
    name: str | None = None

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]

    @property
    def label(self) -> str:
        """A contact name: the display name, else the address's local part."""
        return self.name or self.email.partition("@")[0]


@dataclass(frozen=True)
class Item:
    """One meeting occurrence or one message, ready to become an interaction."""

    path: Path
    label: str  # where in the file, for messages: "event UID", "message 3"
    kind: ItemKind
    key: str  # the idempotence key stored in interactions.ingest_key
    occurred_on: date  # in the CSM's local time zone
    summary: str
    organizer: Person | None
    participants: tuple[Person, ...]  # everyone, organizer included, each address once
    notes: str | None = None
    minutes: int | None = None  # meeting length; None for all-day events and mail


@dataclass(frozen=True)
class Problem:
    """Why a file (or one item in it) cannot be ingested, or a note about it."""

    path: Path
    item: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.item}: {self.reason}"


@dataclass
class FileRead:
    """What one file gave: its items, the items skipped (each with why), notes (library warnings,
    one line each), or `refused` when the file itself cannot be read, which rejects the run."""

    items: list[Item] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    refused: Problem | None = None


def without_nul(text: str) -> str:
    """`text` without NUL characters, which SQLite tools and terminals cut text at."""
    return text.replace("\x00", "")


def one_line(text: str) -> str:
    """A summary or a name: NULs dropped, runs of white space made one space."""
    return " ".join(without_nul(text).split())


def stable_hash(*parts: str) -> str:
    """A short hash that is the same on every machine and run (unlike `hash()`)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def unique_people(people: list[Person]) -> tuple[Person, ...]:
    """Each address once (case-insensitive), the first display name seen kept."""
    seen: dict[str, Person] = {}
    for person in people:
        email = one_line(person.email).lower()
        if "@" not in email or email in seen:
            continue
        seen[email] = Person(email, one_line(person.name or "") or None)
    return tuple(seen.values())
