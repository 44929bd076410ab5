"""Issue 26: the built-in profiles read each tool's export, recognised by its documented headers.

Every sample file is made here with the headers the profile names (cstui/storage/imports/builtin_profiles.py
says where each came from); each checks the stored values, and between them: a refund, a UTC
timestamp near midnight (--tz), rows left out by the profile's filters and accounts found by the
source system's own id (account_aliases), by name without case or accents, and by a contact's email.
"""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from cstui.storage.imports.builtin_profiles import BUILTIN

BOOK_ACCOUNTS = "key,name,start_date\nACME,Acme Société,2025-01-01\nBOLT,Bolt Ltd,2025-02-01\n"
BOOK_CONTACTS = "account_key,name,email\nACME,Ann Lee,ann@acme.com\nBOLT,Bob Roy,bob@bolt.io\n"
# The ids each system gives ACME and BOLT, kept with `--alias ext --source NAME` before the test.
IDS = {
    "intercom": ("ic_100", "ic_200"),
    "salesforce": ("001A", "001B"),
    "stripe": ("cus_A", "cus_B"),
    "chargebee": ("cb_A", "cb_B"),
    "product": ("u-1", "u-2"),
}


@dataclass(frozen=True)
class Case:
    profile: str
    text: str
    args: tuple[str, ...]
    sql: str
    stored: list[tuple]
    left_out: str  # the summary's "rows left out" line, or "" when the sample has none


CASES = [
    Case(
        "zendesk-tickets",
        "Id,Requester,Requester email,Organization,Subject,Status,Priority,Via,Created at,Solved at\n"
        "101,Ann,ann@acme.com,ACME SOCIETE,Login broken,solved,High,Email,2026-03-01 23:30:00,2026-03-02 08:00:00\n"
        "102,Bob,bob@bolt.io,bolt ltd,Bulk export,open,,Web form,2026-03-02 10:00:00,\n"
        "103,Cy,cy@bolt.io,Bolt Ltd,spam,deleted,Low,Email,2026-03-02 10:00:00,\n",
        ("--tz", "Europe/Berlin"),
        "SELECT t.external_id, a.key, t.opened_on, t.channel, t.severity, t.closed_on FROM tickets t "
        "JOIN accounts a ON a.id = t.account_id ORDER BY 1",
        [
            ("101", "ACME", "2026-03-02", "assisted", "high", "2026-03-02"),
            ("102", "BOLT", "2026-03-02", "self_service", "normal", None),
        ],
        "tickets: 1 rows left out (Status=deleted: 1)",
    ),
    Case(
        "freshdesk-tickets",
        "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Due by Time,Resolved time,"
        "Closed time,Last update time,Full name,Email,Company Name\n"
        "7,Cannot log in,Resolved,Medium,Portal,Incident,Zoe,Tier 1,2026-03-01 10:00:00,2026-03-02 10:00:00,"
        "2026-03-01 12:00:00,2026-03-01 12:00:00,2026-03-01 12:00:00,Bob Roy,bob@bolt.io,BOLT LTD\n"
        "8,Buy now,Spam,Low,Email,,,,2026-03-01 10:00:00,,,,,X,x@y.z,Bolt Ltd\n",
        (),
        "SELECT t.external_id, a.key, t.channel, t.severity, t.closed_on FROM tickets t "
        "JOIN accounts a ON a.id = t.account_id",
        [("7", "BOLT", "self_service", "normal", "2026-03-01")],
        "tickets: 1 rows left out (Status=Spam,Deleted: 1)",
    ),
    Case(
        "intercom-conversations",
        "Conversation ID,Title,State,Conversation started at,Conversation closed at,Company ID,Company name,User email\n"
        "c1,Invoice question,closed,2026-03-01 23:10:00,2026-03-02 09:00:00,ic_100,Acme,ann@acme.com\n"
        "c2,Feature ask,open,2026-03-02 09:00:00,2026-03-02 09:30:00,ic_200,Bolt,bob@bolt.io\n",
        ("--tz", "Asia/Tokyo"),
        "SELECT t.external_id, a.key, t.opened_on, t.closed_on, t.channel FROM tickets t "
        "JOIN accounts a ON a.id = t.account_id ORDER BY 1",
        [("c1", "ACME", "2026-03-02", "2026-03-02", "assisted"), ("c2", "BOLT", "2026-03-02", None, "assisted")],
        "",
    ),
    Case(
        "helpscout-conversations",
        "Conversation Number,Subject,Status,Customer Email,Customer Name,Mailbox,Created At,Closed At\n"
        "5001,Refund please,closed,Ann@Acme.com,Ann,Support,2026-03-01,2026-03-03\n"
        "5002,Win big,spam,bob@bolt.io,Bob,Support,2026-03-01,\n",
        (),
        "SELECT t.external_id, a.key, t.opened_on, t.closed_on FROM tickets t JOIN accounts a ON a.id = t.account_id",
        [("5001", "ACME", "2026-03-01", "2026-03-03")],
        "tickets: 1 rows left out (Status=spam: 1)",
    ),
    Case(
        "hubspot-companies",
        "Record ID,Company name,Company Domain Name,Create Date,Lifecycle Stage\n"
        "9001,ACME SOCIÉTÉ,acme.com,,customer\n"
        "9002,Newco,newco.io,2026-02-01,customer\n"
        "9003,,blank.io,2026-02-01,lead\n",
        (),
        "SELECT a.key, a.name, a.start_date, al.external_id FROM accounts a "
        "JOIN account_aliases al ON al.account_id = a.id AND al.source = 'hubspot' ORDER BY 1",
        # ACME is found by its name and keeps its start date (first-seen); Newco is new, keyed by its id.
        [("9002", "Newco", "2026-02-01", "9002"), ("ACME", "ACME SOCIÉTÉ", "2025-01-01", "9001")],
        "accounts: 1 rows left out (Company name empty: 1)",
    ),
    Case(
        "hubspot-contacts",
        "Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company name\n"
        "51,Cara,Diaz,cara@acme.com,555-1,VP Ops,acme societe\n"
        "52,Dan,,dan@nowhere.io,,,\n",
        (),
        "SELECT a.key, c.name, c.email, c.role FROM contacts c JOIN accounts a ON a.id = c.account_id "
        "WHERE c.email = 'cara@acme.com'",
        [("ACME", "Cara Diaz", "cara@acme.com", "VP Ops")],
        "contacts: 1 rows left out (Company name empty: 1)",
    ),
    Case(
        "salesforce-accounts",
        "Id,Name,Type,Industry,NumberOfEmployees,CreatedDate,IsDeleted\n"
        "001Z,Bolt Ltd,Customer,Retail,250.0,2024-02-29T23:30:00.000Z,false\n"
        "001Y,Gone Inc,Customer,Retail,3,2024-01-01T00:00:00.000Z,true\n",
        ("--tz", "Asia/Tokyo"),
        "SELECT a.key, a.seats, a.start_date, al.external_id FROM accounts a "
        "JOIN account_aliases al ON al.account_id = a.id AND al.source = 'salesforce' WHERE a.key = 'BOLT' ORDER BY 4",
        # Found by its name, BOLT takes the file's seats ("250.0" is 250) and its UTC creation day in Tokyo.
        [("BOLT", 250, "2024-03-01", "001B"), ("BOLT", 250, "2024-03-01", "001Z")],
        "accounts: 1 rows left out (IsDeleted=true,1: 1)",
    ),
    Case(
        "salesforce-contacts",
        "Id,AccountId,FirstName,LastName,Email,Phone,Title,IsDeleted\n"
        "003A,001A,Eve,Park,eve@acme.com,,CFO,false\n"
        "003B,001B,Old,Contact,old@bolt.io,,,true\n",
        (),
        "SELECT a.key, c.name, c.role FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.role = 'CFO'",
        [("ACME", "Eve Park", "CFO")],
        "contacts: 1 rows left out (IsDeleted=true,1: 1)",
    ),
    Case(
        "stripe-customers",
        "id,Description,Email,Name,Created (UTC),Delinquent\n"
        "cus_Z,,ops@bolt.io,Bolt Ltd,2026-01-01 00:10:00,false\n"
        "cus_Y,guest,,,2026-01-01 00:10:00,false\n",
        (),
        "SELECT a.key, al.external_id FROM accounts a JOIN account_aliases al ON al.account_id = a.id "
        "WHERE al.source = 'stripe' ORDER BY 2",
        [("ACME", "cus_A"), ("BOLT", "cus_B"), ("BOLT", "cus_Z")],
        "accounts: 1 rows left out (Name empty: 1)",
    ),
    Case(
        "stripe-invoices",
        "id,Number,Customer,Customer Name,Date (UTC),Due Date (UTC),Amount Due,Amount Paid,Total,Status,Paid\n"
        "in_1,INV-1,cus_A,Acme,2026-03-01 23:30:00,,120.00,120.00,120.00,paid,true\n"
        "in_2,INV-2,cus_B,Bolt,2026-03-05 10:00:00,2026-04-04 10:00:00,80.00,0.00,80.00,open,false\n"
        "in_3,,cus_B,Bolt,2026-03-06 10:00:00,,10.00,0.00,10.00,draft,false\n",
        ("--tz", "Europe/Berlin"),
        "SELECT i.invoice_no, a.key, i.issued_date, i.due_date, i.amount, i.paid_date FROM invoices i "
        "JOIN accounts a ON a.id = i.account_id ORDER BY 1",
        [
            ("INV-1", "ACME", "2026-03-02", "2026-03-02", 120.0, "2026-03-02"),
            ("INV-2", "BOLT", "2026-03-05", "2026-04-04", 80.0, None),
        ],
        "invoices: 1 rows left out (Status=draft,void: 1)",
    ),
    Case(
        "stripe-payments",
        "id,Created (UTC),Amount,Amount Refunded,Currency,Status,Customer ID,Invoice ID\n"
        "ch_1,2026-03-01 23:30:00,100.00,30.00,usd,Paid,cus_A,in_1\n"
        "ch_2,2026-03-02 10:00:00,50.00,0.00,usd,Paid,cus_B,\n"
        "ch_3,2026-03-02 11:00:00,70.00,0.00,usd,Failed,cus_B,in_3\n",
        ("--tz", "Europe/Berlin"),
        "SELECT i.invoice_no, a.key, i.issued_date, i.amount, i.paid_date FROM invoices i "
        "JOIN accounts a ON a.id = i.account_id",
        [("in_1", "ACME", "2026-03-02", 70.0, "2026-03-02")],  # 100 paid, 30 refunded: 70 stays
        "invoices: 2 rows left out (Invoice ID empty: 1, Status=Failed: 1)",
    ),
    Case(
        "stripe-subscriptions",
        "id,Customer ID,Plan,Quantity,Interval,Amount,Status,Start (UTC)\n"
        "sub_1,cus_B,pro,1,month,499.00,active,2026-01-31 23:30:00\n"
        "sub_2,cus_A,pro-annual,1,year,5000.00,active,2026-01-10 10:00:00\n",
        ("--tz", "Europe/Berlin"),
        "SELECT a.key, m.effective_date, m.mrr FROM mrr_history m JOIN accounts a ON a.id = m.account_id",
        [("BOLT", "2026-02-01", 499.0)],
        "mrr_history: 1 rows left out (Interval=year,week,day: 1)",
    ),
    Case(
        "chargebee-customers",
        "Customer Id,Company,Email,Auto Collection,Created At\n"
        "cb_Z,bolt ltd,ops@bolt.io,on,2025-06-01\n"
        "cb_Y,,solo@x.io,on,2025-06-01\n",
        (),
        "SELECT a.key, al.external_id FROM accounts a JOIN account_aliases al ON al.account_id = a.id "
        "WHERE al.external_id = 'cb_Z'",
        [("BOLT", "cb_Z")],
        "accounts: 1 rows left out (Company empty: 1)",
    ),
    Case(
        "chargebee-invoices",
        "Invoice Number,Customer Id,Invoice Date,Due Date,Status,Total,Amount Paid,Amount Adjusted,Paid On\n"
        "CB-1,cb_A,2026-03-01,2026-03-31,Paid,200.00,150.00,50.00,2026-03-10\n"
        "CB-2,cb_B,2026-03-01,2026-03-31,Voided,90.00,0.00,0.00,\n",
        (),
        "SELECT i.invoice_no, a.key, i.amount, i.paid_date FROM invoices i JOIN accounts a ON a.id = i.account_id",
        [("CB-1", "ACME", 150.0, "2026-03-10")],  # a 50.00 credit note reduces what is owed
        "invoices: 1 rows left out (Status=Voided,Pending: 1)",
    ),
    Case(
        "chargebee-transactions",
        "Transaction Id,Customer Id,Type,Date,Amount,Amount Unused,Status,Invoice Number\n"
        "txn_1,cb_B,payment,2026-03-04,99.00,0.00,success,CB-7\n"
        "txn_2,cb_B,refund,2026-03-05,20.00,0.00,success,CB-7\n"
        "txn_3,cb_A,payment,2026-03-05,10.00,0.00,failure,CB-8\n",
        (),
        "SELECT i.invoice_no, a.key, i.amount, i.paid_date FROM invoices i JOIN accounts a ON a.id = i.account_id",
        [("CB-7", "BOLT", 99.0, "2026-03-04")],
        "invoices: 2 rows left out (Type=refund,authorization: 1, Status=failure,voided: 1)",
    ),
    Case(
        "chargebee-subscriptions",
        "Subscription Id,Customer Id,Plan Id,Status,MRR,Started At\n"
        "s1,cb_B,growth,active,300.0,2026-02-01\n"
        "s2,cb_A,growth,future,300.0,2026-09-01\n",
        (),
        "SELECT a.key, m.effective_date, m.mrr FROM mrr_history m JOIN accounts a ON a.id = m.account_id",
        [("BOLT", "2026-02-01", 300.0)],
        "mrr_history: 1 rows left out (Status=future: 1)",
    ),
    Case(
        "surveymonkey-nps",
        "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,"
        "How likely is it that you would recommend Acme to a friend or colleague?\n"
        ",,,,,,,,Response\n"
        "1001,77,03/01/2026 11:00:00 PM,03/01/2026 11:30:00 PM,1.2.3.4,ann@acme.com,Ann,Lee,9\n"
        "1002,77,03/02/2026 10:00:00 AM,03/02/2026 10:05:00 AM,1.2.3.5,bob@bolt.io,Bob,Roy,\n",
        (),
        "SELECT s.external_id, a.key, s.kind, s.score, s.responded_on FROM surveys s "
        "JOIN accounts a ON a.id = s.account_id",
        [("1001", "ACME", "nps", 9, "2026-03-01")],
        "2 rows left out",
    ),
    Case(
        "typeform-nps",
        "#,How likely are you to recommend us to a friend?,What could we do better?,email,"
        "Start Date (UTC),Submit Date (UTC),Network ID\n"
        "tok1,10,Nothing,bob@bolt.io,2026-03-01 23:40:00,2026-03-01 23:50:00,n1\n"
        "tok2,,Skipped it,ann@acme.com,2026-03-01 10:00:00,2026-03-01 10:05:00,n2\n",
        ("--tz", "Europe/Berlin"),
        "SELECT s.external_id, a.key, s.score, s.responded_on FROM surveys s JOIN accounts a ON a.id = s.account_id",
        [("tok1", "BOLT", 10, "2026-03-02")],
        "surveys: 1 rows left out",
    ),
    Case(
        "delighted-responses",
        "Response ID,Email,Name,Survey Type,Score,Comment,Created At\n"
        "r1,ann@acme.com,Ann,Net Promoter Score,9.0,Great support,2026-03-01 12:00:00\n"
        "r2,bob@bolt.io,Bob,CSAT,,,2026-03-01 12:00:00\n",
        (),
        "SELECT s.external_id, a.key, s.kind, s.score, s.comment FROM surveys s JOIN accounts a ON a.id = s.account_id",
        [("r1", "ACME", "nps", 9, "Great support")],  # "9.0" is the whole number 9
        "surveys: 1 rows left out (Score empty: 1)",
    ),
    Case(
        "qualtrics-nps",
        "StartDate,EndDate,Status,Progress,Finished,RecordedDate,ResponseId,RecipientEmail,ExternalReference,"
        "DistributionChannel,Q1\n"
        "Start Date,End Date,Response Type,Progress,Finished,Recorded Date,Response ID,Recipient Email,"
        "External Data Reference,Distribution Channel,How likely are you to recommend us?\n"
        '"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""status""}",'
        '"{""ImportId"":""progress""}","{""ImportId"":""finished""}","{""ImportId"":""recordedDate""}",'
        '"{""ImportId"":""_recordId""}","{""ImportId"":""recipientEmail""}","{""ImportId"":""externalDataReference""}",'
        '"{""ImportId"":""distributionChannel""}","{""ImportId"":""QID1""}"\n'
        "2026-03-01 09:00:00,2026-03-01 09:02:00,IP Address,100,True,2026-03-01 09:02:00,R_abc,bob@bolt.io,,email,3\n"
        "2026-03-01 09:00:00,2026-03-01 09:02:00,IP Address,40,False,2026-03-01 09:02:00,R_def,ann@acme.com,,email,\n",
        (),
        "SELECT s.external_id, a.key, s.score, s.responded_on FROM surveys s JOIN accounts a ON a.id = s.account_id",
        [("R_abc", "BOLT", 3, "2026-03-01")],
        "surveys: 3 rows left out",
    ),
    Case(
        "product-daily",
        "accountId,day,numVisitors,numMinutes,numEvents\nu-1,2026-03-01,12,340.5,900\nu-2,2026-03-01,3.0,20,40\n",
        (),
        "SELECT a.key, u.day, u.active_users, u.minutes FROM usage_daily u JOIN accounts a ON a.id = u.account_id "
        "ORDER BY 1",
        [("ACME", "2026-03-01", 12, 340.5), ("BOLT", "2026-03-01", 3, 20.0)],
        "",
    ),
]


def test_every_built_in_profile_has_a_case():
    assert sorted(c.profile for c in CASES) == sorted(BUILTIN)


@pytest.fixture
def ready(tmp_path, book_path, cli) -> Path:
    """A book with ACME and BOLT, a contact each, and each system's ids kept as aliases."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "accounts.csv").write_text(BOOK_ACCOUNTS, encoding="utf-8")
    (folder / "contacts.csv").write_text(BOOK_CONTACTS, encoding="utf-8")
    assert cli("import", str(folder), "--db", str(book_path)).code == 0
    for source, (acme, bolt) in IDS.items():
        ids = tmp_path / f"{source}-ids.csv"
        ids.write_text(
            f"key,name,start_date,ext\nACME,Acme Société,2025-01-01,{acme}\nBOLT,Bolt Ltd,2025-02-01,{bolt}\n"
        )
        result = cli(
            "import", str(ids), "--table", "accounts", "--alias", "ext", "--source", source, "--db", str(book_path)
        )
        assert result.code == 0, result.out
        assert "accounts: 2 account ids kept as aliases" in result.out
    return book_path


@pytest.mark.parametrize("case", CASES, ids=[c.profile for c in CASES])
def test_a_built_in_profile_recognises_and_imports_its_export(case, tmp_path, ready, cli):
    export = tmp_path / "export.csv"
    export.write_text(case.text, encoding="utf-8")
    result = cli("import", str(export), *case.args, "--db", str(ready))
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines()[0].startswith("recognised: ")
    assert f"(profile {case.profile};" in result.out.splitlines()[0]
    if case.left_out:
        assert case.left_out in result.out
    with sqlite3.connect(ready) as conn:
        assert conn.execute(case.sql).fetchall() == case.stored
