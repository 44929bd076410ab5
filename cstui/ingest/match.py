"""Which account a meeting or message belongs to, decided from the book's contacts and domains.

An item belongs to the account of a participant who is a contact (the account with most such
participants, ties to the first key); failing that, to the account whose `domain` a participant's
address has (only when exactly one account has that domain). The CSM's own side is left out of the
matching: their domain comes from `--me` / `$CSTUI_ME`, else from the organizer (sender) when that
person is no customer. Items whose participants are all on the CSM's side are internal.
"""

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from cstui.ingest.items import Item, Person

# Addresses here say nothing about the employer, so they never make or match an account domain.
COMMON_PROVIDERS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.com",
        "yandex.ru",
        "zoho.com",
        "fastmail.com",
        "qq.com",
        "163.com",
    }
)


@dataclass(frozen=True)
class Directory:
    """A snapshot of who is whose: contact address -> account keys, domain -> account keys."""

    contacts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    domains: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def is_customer(self, person: Person) -> bool:
        return person.email in self.contacts or person.domain in self.domains


class Verdict(StrEnum):
    STORE = "store"
    INTERNAL = "internal"
    UNMATCHED = "unmatched"


@dataclass(frozen=True)
class Match:
    item: Item
    verdict: Verdict
    account_key: str | None = None
    contact_email: str | None = None
    new_contacts: tuple[Person, ...] = ()  # people at the account's domain who are not contacts
    reason: str = ""


def own_domain(item: Item, directory: Directory, me: str | None) -> str | None:
    if me:
        return me.rpartition("@")[2].lower()
    if item.organizer and not directory.is_customer(item.organizer):
        return item.organizer.domain
    return None


def classify(item: Item, directory: Directory, me: str | None) -> Match:
    """Store (with its account), internal, or unmatched (with why)."""
    mine = own_domain(item, directory, me)
    others = [p for p in item.participants if p.domain != mine]
    if not item.participants:
        return Match(item, Verdict.UNMATCHED, reason="no participants")
    if not others:
        return Match(item, Verdict.INTERNAL, reason=f"everyone is at {mine}")
    by_contact = Counter(key for p in others for key in directory.contacts.get(p.email, ()))
    if by_contact:
        account = min(by_contact, key=lambda key: (-by_contact[key], key))
        return _matched(item, account, others, directory)
    unique = [p for p in others if len(directory.domains.get(p.domain, ())) == 1]
    if unique:
        by_domain = Counter(directory.domains[p.domain][0] for p in unique)
        account = min(by_domain, key=lambda key: (-by_domain[key], key))
        return _matched(item, account, others, directory)
    shared = sorted({p.domain for p in others if len(directory.domains.get(p.domain, ())) > 1})
    if shared:
        return Match(item, Verdict.UNMATCHED, reason=f"domain {shared[0]} belongs to several accounts")
    return Match(item, Verdict.UNMATCHED, reason="no contact or account domain matches")


def _matched(item: Item, account: str, others: list[Person], directory: Directory) -> Match:
    contacts = [p for p in others if account in directory.contacts.get(p.email, ())]
    at_domain = [p for p in others if directory.domains.get(p.domain) == (account,)]
    newcomers = tuple(p for p in at_domain if p.email not in directory.contacts)
    contact = (contacts or at_domain)[0].email
    return Match(item, Verdict.STORE, account_key=account, contact_email=contact, new_contacts=newcomers)
