"""Built-in import profiles: the exports CSMs actually have, recognised by their headers.

Each profile is one registered definition (`_register`): a name, what export it reads, where its
columns come from (`documented`: the page its headers were taken from, and what was not verified),
the headers that recognise it (`signature`: all present, compared without case) and the mapping
itself, a plain `ImportProfile`. `cstui import FILE` picks the profile whose whole signature the
file's header holds (the longest signature when several do); `--profile NAME` names one.

The mappings use only what any profile can say (see docs/book.md, "Import profiles"): a tool's
own account id is found through `account_aliases` (filled by that tool's accounts export, which
keeps its ids with `alias_column`), a help desk's organization by its name, a survey's respondent
by a contact's email; rows that are not data (deleted tickets, a survey tool's second header row,
a payment with no invoice) are left out and counted.
"""

from dataclasses import dataclass
from pathlib import Path

from cstui.storage.imports.csv_source import read_header
from cstui.storage.imports.import_profile import (
    AccountBy,
    ColumnMap,
    Constant,
    ImportProfile,
    Join,
    OnlyWhen,
    RowTest,
    ValueMap,
)


@dataclass(frozen=True)
class BuiltinProfile:
    name: str
    title: str
    documented: str
    signature: tuple[str, ...]
    profile: ImportProfile

    def fits(self, headers: list[str]) -> bool:
        folded = {h.strip().casefold() for h in headers}
        return all(s.casefold() in folded for s in self.signature)


BUILTIN: dict[str, BuiltinProfile] = {}


def _register(name: str, title: str, documented: str, signature: tuple[str, ...], profile: ImportProfile) -> None:
    if name in BUILTIN:
        raise ValueError(f"two built-in profiles named {name}")
    BUILTIN[name] = BuiltinProfile(name, title, documented, signature, profile.check())


def recognise(headers: list[str]) -> BuiltinProfile | None:
    """The built-in profile whose signature the headers hold (the most specific one), or None."""
    fitting = [b for b in BUILTIN.values() if b.fits(headers)]
    return max(fitting, key=lambda b: len(b.signature)) if fitting else None


def _cols(**pairs: str) -> tuple[ColumnMap, ...]:
    """target=source pairs, written the other way round for readability below."""
    return tuple(ColumnMap(source, target) for target, source in pairs.items())


def _values(column: str, **words: tuple[str, ...]) -> tuple[ValueMap, ...]:
    return tuple(ValueMap(column, word, value) for value, sources in words.items() for word in sources)


def _skip(column: str, *words: str) -> RowTest:
    return RowTest(column, words)


# --- help desks: tickets ---------------------------------------------------------------------

_register(
    "zendesk-tickets",
    "Zendesk Support tickets (Admin Center > Reports > Export, CSV)",
    "Zendesk help center 'Exporting data to a JSON, CSV, or XML file' "
    "(support.zendesk.com/hc/en-us/articles/4408886165402): the CSV ticket export's columns Id, Requester, "
    "Requester email, Organization, Subject, Status, Priority, Via, Created at, Solved at; Via and Priority "
    "words as in the ticket API (developer.zendesk.com tickets: priority low/normal/high/urgent).",
    ("Id", "Requester", "Via", "Created at", "Solved at"),
    ImportProfile(
        "tickets",
        columns=_cols(
            ticket_id="Id",
            opened_on="Created at",
            closed_on="Solved at",
            subject="Subject",
            severity="Priority",
            channel="Via",
        ),
        values=_values(
            "channel",
            self_service=("Web form", "Web Widget", "Help Center", "Mobile", "API", "Mobile SDK"),
            assisted=("Email", "Mail", "Chat", "Phone call (inbound)", "Phone call (outbound)", "Messaging"),
        ),
        source="zendesk",
        account_by=AccountBy.NAME,
        account_column="Organization",
        skip=(_skip("Status", "deleted"),),
    ),
)

_register(
    "freshdesk-tickets",
    "Freshdesk tickets (Tickets > Export, CSV)",
    "Freshdesk ticket fields (API v2 Ticket: status 2..5 Open/Pending/Resolved/Closed, priority 1..4 "
    "Low/Medium/High/Urgent, source Email/Portal/Phone/Chat/Feedback Widget/Outbound Email; "
    "schemas.apis.io/schemas/freshdesk/freshdesk-ticket) under the export's titles Ticket ID, Subject, "
    "Status, Priority, Source, Created time, Resolved time, Company Name (the titles are the Freshdesk "
    "export screen's; not checked against a downloaded file).",
    ("Ticket ID", "Source", "Created time", "Resolved time"),
    ImportProfile(
        "tickets",
        columns=_cols(
            ticket_id="Ticket ID",
            opened_on="Created time",
            closed_on="Resolved time",
            subject="Subject",
            severity="Priority",
            channel="Source",
        ),
        values=_values("severity", normal=("Medium",))
        + _values(
            "channel",
            self_service=("Portal", "Feedback Widget", "Chat"),
            assisted=("Email", "Phone", "Outbound Email"),
        ),
        source="freshdesk",
        account_by=AccountBy.NAME,
        account_column="Company Name",
        skip=(_skip("Status", "Spam", "Deleted"),),
    ),
)

_register(
    "intercom-conversations",
    "Intercom conversations (Reports > Conversations > Export CSV)",
    "Intercom conversation model (developers.intercom.com Conversation: id, created_at, state "
    "open/closed/snoozed, source.subject; company) under the export's titles Conversation ID, "
    "Conversation started at, Conversation closed at, State, Company ID, Title (titles not checked "
    "against a downloaded file). Intercom is a chat: every conversation is channel assisted.",
    ("Conversation ID", "Conversation started at", "Company ID"),
    ImportProfile(
        "tickets",
        columns=_cols(
            ticket_id="Conversation ID",
            opened_on="Conversation started at",
            closed_on="Conversation closed at",
            subject="Title",
        ),
        constants=(Constant("channel", "assisted"),),
        source="intercom",
        account_by=AccountBy.ALIAS,
        account_column="Company ID",
        only_when=(OnlyWhen("closed_on", RowTest("State", ("closed",))),),
    ),
)

_register(
    "helpscout-conversations",
    "Help Scout conversations (Reports > Export, CSV)",
    "Help Scout Mailbox API Conversation (developer.helpscout.com: number, subject, status "
    "active/pending/closed/spam, createdAt, closedAt, customer email) under the export's titles "
    "Conversation Number, Subject, Status, Customer Email, Created At, Closed At (titles not checked "
    "against a downloaded file).",
    ("Conversation Number", "Customer Email", "Created At"),
    ImportProfile(
        "tickets",
        columns=_cols(
            ticket_id="Conversation Number", opened_on="Created At", closed_on="Closed At", subject="Subject"
        ),
        constants=(Constant("channel", "assisted"),),
        source="helpscout",
        account_by=AccountBy.CONTACT,
        account_column="Customer Email",
        skip=(_skip("Status", "spam"),),
    ),
)

# --- CRMs: companies/accounts and contacts -------------------------------------------------------

_register(
    "hubspot-companies",
    "HubSpot companies (Contacts > Companies > Export, CSV)",
    "HubSpot's company export (developers.hubspot.com CRM exports; default company properties: "
    "Record ID, Company name, Company Domain Name, Create Date). The Record ID is kept as the "
    "account's hubspot id; a company whose name is an account's keeps that account's key.",
    ("Record ID", "Company name"),
    ImportProfile(
        "accounts",
        columns=_cols(key="Record ID", name="Company name", start_date="Create Date"),
        source="hubspot",
        account_by=AccountBy.NAME,
        account_column="Company name",
        alias_column="Record ID",
        defaults=(Constant("start_date", "first-seen"),),
        skip=(RowTest("Company name"),),
    ),
)

_register(
    "hubspot-contacts",
    "HubSpot contacts (Contacts > Export, CSV)",
    "HubSpot's contact export (default contact properties Record ID, First Name, Last Name, Email, "
    "Phone Number, Job Title, and the associated company's Company name).",
    ("Record ID", "First Name", "Last Name", "Email"),
    ImportProfile(
        "contacts",
        columns=_cols(email="Email", phone="Phone Number", role="Job Title"),
        joins=(Join("name", ("First Name", "Last Name")),),
        source="hubspot",
        account_by=AccountBy.NAME,
        account_column="Company name",
        skip=(RowTest("Company name"),),
    ),
)

_register(
    "salesforce-accounts",
    "Salesforce accounts (Data Export / Data Loader, Account.csv)",
    "Salesforce Account object fields (developer.salesforce.com Object Reference: Id, Name, "
    "CreatedDate, Type, NumberOfEmployees), which Data Export and Data Loader use as headers. The Id is "
    "kept as the account's salesforce id; CreatedDate is UTC.",
    ("Id", "Name", "CreatedDate", "NumberOfEmployees"),
    ImportProfile(
        "accounts",
        columns=_cols(key="Id", name="Name", start_date="CreatedDate", seats="NumberOfEmployees"),
        source="salesforce",
        account_by=AccountBy.NAME,
        account_column="Name",
        alias_column="Id",
        skip=(_skip("IsDeleted", "true", "1"),),
    ),
)

_register(
    "salesforce-contacts",
    "Salesforce contacts (Data Export / Data Loader, Contact.csv)",
    "Salesforce Contact object fields (Id, AccountId, FirstName, LastName, Email, Phone, Title); "
    "AccountId is the Salesforce account id kept by salesforce-accounts.",
    ("Id", "AccountId", "FirstName", "LastName"),
    ImportProfile(
        "contacts",
        columns=_cols(email="Email", phone="Phone", role="Title"),
        joins=(Join("name", ("FirstName", "LastName")),),
        source="salesforce",
        account_by=AccountBy.ALIAS,
        account_column="AccountId",
        skip=(_skip("IsDeleted", "true", "1"),),
    ),
)

# --- billing: customers, invoices, payments, subscriptions -------------------------------------

_STRIPE_DOC = (
    "Stripe Dashboard exports (docs.stripe.com: export of the Customers, Invoices, Payments and "
    "Subscriptions lists; '(UTC)' in a header says its times are UTC). "
)

_register(
    "stripe-customers",
    "Stripe customers (Dashboard > Customers > Export)",
    _STRIPE_DOC + "Columns id, Name, Email, Created (UTC). The cus_ id is kept as the account's stripe id.",
    ("id", "Name", "Email", "Created (UTC)", "Delinquent"),
    ImportProfile(
        "accounts",
        columns=_cols(key="id", name="Name", start_date="Created (UTC)"),
        source="stripe",
        account_by=AccountBy.NAME,
        account_column="Name",
        alias_column="id",
        skip=(RowTest("Name"),),
    ),
)

_register(
    "stripe-invoices",
    "Stripe invoices (Dashboard > Invoices > Export)",
    _STRIPE_DOC + "Columns id, Number, Customer, Date (UTC), Due Date (UTC), Total, Amount Paid, "
    "Status (draft/open/paid/uncollectible/void). An invoice charged automatically has no due date: "
    "it is due when issued.",
    ("Number", "Customer", "Date (UTC)", "Due Date (UTC)", "Amount Due"),
    ImportProfile(
        "invoices",
        columns=_cols(invoice_no="Number", issued_date="Date (UTC)", due_date="Due Date (UTC)", amount="Total"),
        source="stripe",
        account_by=AccountBy.ALIAS,
        account_column="Customer",
        defaults=(Constant("due_date", "@Date (UTC)"), Constant("paid_date", "@Date (UTC)")),
        only_when=(OnlyWhen("paid_date", RowTest("Status", ("paid",))),),
        skip=(_skip("Status", "draft", "void"),),
    ),
)

_register(
    "stripe-payments",
    "Stripe payments (Dashboard > Payments > Export)",
    _STRIPE_DOC + "Columns id, Created (UTC), Amount, Amount Refunded, Currency, Status, Customer ID, "
    "Invoice ID. A payment is stored as its invoice, paid on the day it succeeded, its amount less what "
    "was refunded; a payment with no invoice (a one-off charge) is left out.",
    ("Created (UTC)", "Amount Refunded", "Customer ID", "Invoice ID"),
    ImportProfile(
        "invoices",
        columns=_cols(invoice_no="Invoice ID", issued_date="Created (UTC)", amount="Amount"),
        source="stripe",
        account_by=AccountBy.ALIAS,
        account_column="Customer ID",
        minus="Amount Refunded",
        defaults=(Constant("due_date", "@Created (UTC)"), Constant("paid_date", "@Created (UTC)")),
        only_when=(OnlyWhen("paid_date", RowTest("Status", ("Paid", "succeeded", "Refunded"))),),
        skip=(RowTest("Invoice ID"), _skip("Status", "Failed")),
    ),
)

_register(
    "stripe-subscriptions",
    "Stripe subscriptions (Dashboard > Subscriptions > Export)",
    _STRIPE_DOC + "Columns id, Customer ID, Plan, Quantity, Interval, Amount, Status, Start (UTC). The "
    "MRR is the monthly Amount from the subscription's start; subscriptions billed per year, week or "
    "day are left out (map them with --map and a monthly amount).",
    ("Customer ID", "Plan", "Interval", "Start (UTC)"),
    ImportProfile(
        "mrr_history",
        columns=_cols(effective_date="Start (UTC)", mrr="Amount"),
        source="stripe",
        account_by=AccountBy.ALIAS,
        account_column="Customer ID",
        skip=(_skip("Interval", "year", "week", "day"), _skip("Status", "incomplete", "incomplete_expired")),
    ),
)

_CHARGEBEE_DOC = (
    "Chargebee exports (Settings > Import & Export Data > Export); fields of the Chargebee API "
    "(apidocs.chargebee.com: Customer id/company/created_at, Invoice id/customer_id/status/date/due_date/"
    "total/amount_adjusted/paid_at, Subscription id/customer_id/status/mrr/started_at) under the "
    "export's titles (not checked against a downloaded file). "
)

_register(
    "chargebee-customers",
    "Chargebee customers (Export > Customers)",
    _CHARGEBEE_DOC + "The customer id is kept as the account's chargebee id.",
    ("Customer Id", "Company", "Created At", "Auto Collection"),
    ImportProfile(
        "accounts",
        columns=_cols(key="Customer Id", name="Company", start_date="Created At"),
        source="chargebee",
        account_by=AccountBy.NAME,
        account_column="Company",
        alias_column="Customer Id",
        skip=(RowTest("Company"),),
    ),
)

_register(
    "chargebee-invoices",
    "Chargebee invoices (Export > Invoices)",
    _CHARGEBEE_DOC + "A credit note applied (Amount Adjusted) reduces what the invoice asks.",
    ("Invoice Number", "Customer Id", "Invoice Date", "Amount Adjusted"),
    ImportProfile(
        "invoices",
        columns=_cols(
            invoice_no="Invoice Number",
            issued_date="Invoice Date",
            due_date="Due Date",
            amount="Total",
            paid_date="Paid On",
        ),
        source="chargebee",
        account_by=AccountBy.ALIAS,
        account_column="Customer Id",
        minus="Amount Adjusted",
        defaults=(Constant("due_date", "@Invoice Date"),),
        skip=(_skip("Status", "Voided", "Pending"),),
    ),
)

_register(
    "chargebee-transactions",
    "Chargebee payments (Export > Transactions)",
    _CHARGEBEE_DOC + "Transaction fields id, customer_id, type (payment/refund/authorization), date, "
    "amount, amount_unused, status (success/failure/voided), linked invoice. A successful payment is stored as "
    "its invoice, paid that day; refund rows are left out (the invoices export carries them as "
    "Amount Adjusted), as are failed payments and payments linked to no invoice.",
    ("Transaction Id", "Customer Id", "Type", "Invoice Number"),
    ImportProfile(
        "invoices",
        columns=_cols(invoice_no="Invoice Number", issued_date="Date", amount="Amount"),
        source="chargebee",
        account_by=AccountBy.ALIAS,
        account_column="Customer Id",
        minus="Amount Unused",
        defaults=(Constant("due_date", "@Date"), Constant("paid_date", "@Date")),
        skip=(
            RowTest("Invoice Number"),
            _skip("Type", "refund", "authorization"),
            _skip("Status", "failure", "voided"),
        ),
    ),
)

_register(
    "chargebee-subscriptions",
    "Chargebee subscriptions (Export > Subscriptions)",
    _CHARGEBEE_DOC + "The MRR is Chargebee's own monthly figure from the start date.",
    ("Subscription Id", "Customer Id", "MRR", "Started At"),
    ImportProfile(
        "mrr_history",
        columns=_cols(effective_date="Started At", mrr="MRR"),
        source="chargebee",
        account_by=AccountBy.ALIAS,
        account_column="Customer Id",
        skip=(_skip("Status", "future"),),
    ),
)

# --- surveys ------------------------------------------------------------------------------------

_register(
    "surveymonkey-nps",
    "SurveyMonkey responses with an NPS question (Analyze > Save as > CSV, all responses)",
    "SurveyMonkey's CSV export (help.surveymonkey.com 'Exporting survey results'): Respondent ID, "
    "Collector ID, Start Date, End Date, IP Address, Email Address, First Name, Last Name, then one "
    "column per question; its second header row (the answer choices) has no Respondent ID and is left "
    "out. The score is the column of the standard NPS question ('How likely is it that you would "
    "recommend ...'); End Date is MM/DD/YYYY.",
    ("Respondent ID", "Collector ID", "Start Date", "End Date"),
    ImportProfile(
        "surveys",
        columns=_cols(
            response_id="Respondent ID",
            responded_on="End Date",
            score="How likely is it that you would recommend*",
            contact_email="Email Address",
        ),
        constants=(Constant("kind", "nps"),),
        source="surveymonkey",
        account_by=AccountBy.CONTACT,
        account_column="Email Address",
        skip=(RowTest("Respondent ID"), RowTest("How likely is it that you would recommend*")),
        date_format="%m/%d/%Y",
    ),
)

_register(
    "typeform-nps",
    "Typeform responses with an NPS question (Results > Responses > Download CSV)",
    "Typeform's responses download (typeform.com help 'Download your responses'): '#' (the response "
    "token), one column per question, hidden fields such as email, Start Date (UTC), Submit Date "
    "(UTC), Network ID. The score is the Net Promoter Score question ('How likely are you to "
    "recommend ...').",
    ("#", "Submit Date (UTC)", "Network ID"),
    ImportProfile(
        "surveys",
        columns=_cols(
            response_id="#",
            responded_on="Submit Date (UTC)",
            score="How likely are you to recommend*",
            contact_email="email",
        ),
        constants=(Constant("kind", "nps"),),
        source="typeform",
        account_by=AccountBy.CONTACT,
        account_column="email",
        skip=(RowTest("How likely are you to recommend*"),),
    ),
)

_register(
    "delighted-responses",
    "Delighted responses (Dashboard > Export CSV)",
    "Delighted survey responses (app.delighted.com API 'Listing survey responses': id, person email, "
    "survey_type nps/csat/ces, score, comment, created_at) under the export's titles Response ID, Email, "
    "Survey Type, Score, Comment, Created At (titles not checked against a downloaded file).",
    ("Response ID", "Survey Type", "Score", "Created At"),
    ImportProfile(
        "surveys",
        columns=_cols(
            response_id="Response ID",
            responded_on="Created At",
            kind="Survey Type",
            comment="Comment",
            contact_email="Email",
        ),
        values=_values("kind", nps=("Net Promoter Score", "NPS"), csat=("CSAT",), ces=("CES", "Customer Effort Score")),
        source="delighted",
        account_by=AccountBy.CONTACT,
        account_column="Email",
        skip=(RowTest("Score"),),
    ),
)

_register(
    "qualtrics-nps",
    "Qualtrics responses with an NPS question (Data & Analysis > Export > CSV)",
    "Qualtrics' CSV export (qualtrics.com support 'Data export options'): StartDate, EndDate, Status, "
    "Progress, Finished, RecordedDate, ResponseId, RecipientEmail, ExternalReference, "
    "DistributionChannel, then the questions by id; its second and third header rows (question text, "
    "ImportId JSON) are left out. The score is question Q1 (the usual NPS question; --map another).",
    ("ResponseId", "RecordedDate", "DistributionChannel"),
    ImportProfile(
        "surveys",
        columns=_cols(
            response_id="ResponseId", responded_on="RecordedDate", score="Q1", contact_email="RecipientEmail"
        ),
        constants=(Constant("kind", "nps"),),
        source="qualtrics",
        account_by=AccountBy.CONTACT,
        account_column="RecipientEmail",
        skip=(_skip("ResponseId", "Response ID", '{"ImportId":"_recordId"}'), _skip("Finished", "False", "0")),
    ),
)

# --- product analytics ----------------------------------------------------------------------------

_register(
    "product-daily",
    "Product analytics, one row per account and day (Pendo / Amplitude / Mixpanel style)",
    "Pendo's aggregation of account activity per day (developers.pendo.io Aggregations: accountId, "
    "day, numVisitors, numMinutes, numEvents), as the account-by-day report exports it; Amplitude's "
    "and Mixpanel's group-by-account daily exports carry the same three measures under their own names "
    "(--map them). The account is the product's account id, kept as its 'product' alias.",
    ("accountId", "day", "numVisitors", "numMinutes"),
    ImportProfile(
        "usage_daily",
        columns=_cols(day="day", active_users="numVisitors", minutes="numMinutes"),
        source="product",
        account_by=AccountBy.ALIAS,
        account_column="accountId",
    ),
)


def recognise_file(path: Path, encoding: str | None = None, delimiter: str | None = None) -> BuiltinProfile | None:
    """The built-in profile `path`'s header names, or None (also for a file that cannot be read:
    the import then says why)."""
    try:
        headers = read_header(path, encoding, delimiter)
    except OSError:
        return None
    return recognise(headers) if headers else None
