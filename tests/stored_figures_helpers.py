"""A small hand-made book for the stored-figures tests: two accounts with MRR and usage, imported as a
CSV import would be, as of a pinned day."""

from datetime import date
from pathlib import Path

from cstui.storage.imports.importer import import_path
from cstui.storage.records import accounts as account_records

IMPORT_DAY = date(2026, 11, 24)  # the day the tests' imports run as (`cstui import --as-of`)

TODAY = date(2026, 11, 24)


def small_book(db, tmp: Path) -> None:
    for key, start in (("acme", "2026-02-01"), ("beta", "2025-06-01")):
        account_records.add_account(db, key, account_records.AccountFields(name=key, start_date=start), today=TODAY)
    import_csv(db, tmp, "mrr_history.csv", "account_key,effective_date,mrr\nacme,2026-02-01,100\nbeta,2025-06-01,250\n")
    usage = "".join(f"acme,{d},3,40\nbeta,{d},1,10\n" for d in ("2026-06-03", "2026-09-14", "2026-11-20"))
    import_csv(db, tmp, "usage_daily.csv", "account_key,day,active_users,minutes\n" + usage)


def import_csv(db, tmp: Path, name: str, text: str) -> None:
    folder = tmp / f"import-{len(list(tmp.iterdir()))}"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    import_path(db, folder, today=IMPORT_DAY)
