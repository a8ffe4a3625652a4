"""Who is told what, and when: the rules behind the reminder e-mails and the "Needs your attention"
panel, pure and free of Flask and the database (the plan's state comes in as plain data).

- An organisation's members: returned evidence (with the reviewer's reason), overdue, due within
  7 days, due within 30 days, their date requests awaiting a decision, and decisions on their
  work (evidence accepted or returned, date requests decided). Only sub-actions their own
  organisation owns: a co-owner of a recommendation never hears about another owner's sub-actions.
- Reviewers: evidence awaiting review, oldest first, with the working days it has waited; date
  requests, those that would move a date past the plan's due date to the inspectors marked.
  Only what they may decide on (duties.py): never their own, nor by default their organisation's.
- The office (admins), weekly: the progress table, what changed since last week, what went Red,
  submissions waiting more than 10 working days, and the sub-actions whose due date is still to be
  confirmed (no date: never overdue, never "due within" days, so in no organisation's reminders).
"""
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from .. import duties
from ..figures import COLOURS, GREEN, RED
from . import workdays

# --- kinds of message and how often ------------------------------------------------------------

DUE, DECISIONS, QUEUE, SUMMARY = "due", "decisions", "queue", "summary"
KINDS = {
    DUE: "Due-date reminders",
    DECISIONS: "Decisions on my organisation's work",
    QUEUE: "Review queue digest",
    SUMMARY: "Weekly office summary",
}
NOW, DAILY, WEEKLY, OFF = "now", "daily", "weekly", "off"
FREQUENCIES = {NOW: "At once", DAILY: "Daily", WEEKLY: "Weekly", OFF: "Off"}
# What each kind may be set to: "at once" only where there is an event to tell at once.
CHOICES = {
    DUE: (DAILY, WEEKLY, OFF),
    DECISIONS: (NOW, DAILY, WEEKLY, OFF),
    QUEUE: (DAILY, WEEKLY, OFF),
    SUMMARY: (WEEKLY, OFF),
}
DEFAULTS = {DUE: DAILY, DECISIONS: NOW, QUEUE: DAILY, SUMMARY: WEEKLY}

WAITING_TOO_LONG = 10  # working days: the office's summary lists submissions waiting longer
RECENT_DAYS = 30  # decisions older than this are no longer listed (seen or not)
DUE_SOON_DAYS = 30  # "due within 30 days": the furthest an organisation is told ahead of a due date
SHOWN = 10  # lines per heading in a message and in the panel; the rest behind a link to the full list


@dataclass(frozen=True)
class Recipient:
    id: int
    role: str
    organisation_id: int | None = None


def kinds_for(person: Recipient) -> tuple:
    """The kinds of message that concern a person, by what they do."""
    kinds = []
    if person.organisation_id is not None and person.role in ("org", "reviewer"):
        kinds += [DUE, DECISIONS]
    if person.role == "reviewer":
        kinds.append(QUEUE)
    if person.role == "admin":
        kinds.append(SUMMARY)
    return tuple(kinds)


def frequency(person: Recipient, kind: str, chosen: dict | None = None) -> str:
    """How often `person` gets `kind`: their choice, else the default for their role; off for a
    kind that does not concern them."""
    if kind not in kinds_for(person):
        return OFF
    value = (chosen or {}).get(kind)
    return value if value in CHOICES[kind] else DEFAULTS[kind]


# --- the plan's state, as plain data -----------------------------------------------------------

@dataclass(frozen=True)
class Sub:
    """A sub-action as at the business date: due date in force, colour, workflow state, and the
    reason of its last return while it stays returned."""

    id: int
    ref: str
    text: str
    owner_id: int
    section: int
    review_id: int
    due_on: dt.date | None  # None: to be confirmed
    colour: str
    state: str
    returned_reason: str | None = None
    returned_on: dt.date | None = None


@dataclass(frozen=True)
class Submission:
    id: int
    sub_action_id: int
    submitted_on: dt.date
    submitted_by_id: int | None = None


@dataclass(frozen=True)
class DateRequest:
    id: int
    sub_action_id: int
    previous_due_on: dt.date | None
    requested_due_on: dt.date
    requested_on: dt.date
    requested_by_id: int | None = None


@dataclass(frozen=True)
class Decision:
    """Evidence accepted or returned ("evidence"), a date request accepted or declined ("date")."""

    kind: str
    object_id: int
    sub_action_id: int
    outcome: str
    decided_on: dt.date
    decided_by_id: int | None = None
    comment: str | None = None
    requested_due_on: dt.date | None = None

    @property
    def key(self):
        return f"{self.kind}:{self.object_id}"


@dataclass
class PlanState:
    today: dt.date
    subs: dict  # id -> Sub
    plan_due: dict = field(default_factory=dict)  # review id -> the date the plan is due to the inspectors
    pending_submissions: list = field(default_factory=list)
    pending_dates: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    separation: str = duties.ORGANISATION  # SEFTON_SEPARATION_OF_DUTIES
    _by_owner: dict = field(default_factory=dict, repr=False, compare=False)

    def owned(self, org_id) -> dict:
        """{id: Sub} of the sub-actions the organisation owns (indexed once)."""
        if not self._by_owner and self.subs:
            for sub in self.subs.values():
                self._by_owner.setdefault(sub.owner_id, {})[sub.id] = sub
        return self._by_owner.get(org_id, {})


# --- what each person is told ------------------------------------------------------------------

RETURNED, OVERDUE, DUE_7, DUE_30, DATES_PENDING, DECIDED = (
    "returned", "overdue", "due_7", "due_30", "dates_pending", "decided")
AWAITING, DATE_REQUESTS = "awaiting", "date_requests"
TBC = "tbc"  # due date to be confirmed: a group of "My actions" and a line of the office's summary
HEADINGS = {
    RETURNED: "Evidence returned to you",
    OVERDUE: "Overdue",
    DUE_7: "Due within 7 days",
    DUE_30: "Due within 30 days",
    DATES_PENDING: "New due dates you asked for, awaiting a decision",
    DECIDED: "Decisions on your work",
    AWAITING: "Evidence awaiting your review",
    DATE_REQUESTS: "Requests for a new due date",
    TBC: "Due date to be confirmed",
}


def by_due(sub):
    """Sort key: by due date, those to be confirmed last, then in plan order."""
    return (sub.due_on is None, sub.due_on or dt.date.max, sub.section, sub.ref)


@dataclass(frozen=True)
class Item:
    """One line of a digest or of the panel. `key` names it for "mark as seen"."""

    category: str
    key: str
    sub: Sub
    on: dt.date | None = None  # the due date, or the date submitted / requested / decided
    detail: str | None = None  # the reviewer's reason or comment
    outcome: str | None = None
    waited: int | None = None  # working days
    new_due_on: dt.date | None = None
    past_plan_due: bool = False


def for_organisation(state: PlanState, org_id: int, seen=frozenset()) -> dict:
    """{category: [Item]} for the members of one organisation, of the sub-actions it owns."""
    today = state.today
    own = state.owned(org_id)
    out = {c: [] for c in (RETURNED, OVERDUE, DUE_7, DUE_30, DATES_PENDING, DECIDED)}
    for sub in sorted(own.values(), key=by_due):
        if sub.state == "returned":
            out[RETURNED].append(Item(RETURNED, f"returned:{sub.id}", sub, sub.returned_on, sub.returned_reason))
        if sub.colour == GREEN or sub.due_on is None:  # a date to be confirmed is never due nor overdue
            continue
        if sub.colour == RED:
            out[OVERDUE].append(Item(OVERDUE, f"overdue:{sub.id}", sub, sub.due_on))
        elif sub.due_on <= today + dt.timedelta(days=7):
            out[DUE_7].append(Item(DUE_7, f"due:{sub.id}", sub, sub.due_on))
        elif sub.due_on <= today + dt.timedelta(days=DUE_SOON_DAYS):
            out[DUE_30].append(Item(DUE_30, f"due:{sub.id}", sub, sub.due_on))
    for req in sorted(state.pending_dates, key=lambda r: (r.requested_on, r.id)):
        sub = own.get(req.sub_action_id)
        if sub is not None:
            out[DATES_PENDING].append(Item(DATES_PENDING, f"date-pending:{req.id}", sub, req.requested_on,
                                           new_due_on=req.requested_due_on))
    out[DECIDED] = [item for item in decided(state, own) if item.key not in seen]
    return out


def decided(state: PlanState, own: dict, since: dt.date | None = None) -> list:
    """Decisions on the given sub-actions, newest first: those of the last RECENT_DAYS days, or
    those after `since`."""
    start = since if since is not None else state.today - dt.timedelta(days=RECENT_DAYS)
    items = []
    for d in sorted(state.decisions, key=lambda d: (d.decided_on, d.object_id), reverse=True):
        sub = own.get(d.sub_action_id)
        if sub is not None and start < d.decided_on <= state.today:
            items.append(Item(DECIDED, d.key, sub, d.decided_on, d.comment, d.kind + "-" + d.outcome,
                              new_due_on=d.requested_due_on))
    return items


def for_reviewer(state: PlanState, person: Recipient | None) -> dict:
    """{category: [Item]}: evidence awaiting review, oldest first, and date requests; only what the
    reviewer may decide on (duties.refusal: never their own, nor by default their organisation's).
    `person` None: everything awaiting (the office's summary)."""
    def may_decide(made_by_id, sub):
        return person is None or duties.refusal(person.id, person.organisation_id, made_by_id, sub.owner_id,
                                                state.separation) is None

    out = {AWAITING: [], DATE_REQUESTS: []}
    for sub_ in sorted(state.pending_submissions, key=lambda s: (s.submitted_on, s.id)):
        sub = state.subs.get(sub_.sub_action_id)
        if sub is not None and may_decide(sub_.submitted_by_id, sub):
            out[AWAITING].append(Item(AWAITING, f"submission:{sub_.id}", sub, sub_.submitted_on,
                                      waited=workdays.between(sub_.submitted_on, state.today)))
    for req in sorted(state.pending_dates, key=lambda r: (r.requested_on, r.id)):
        sub = state.subs.get(req.sub_action_id)
        if sub is not None and may_decide(req.requested_by_id, sub):
            plan_due = state.plan_due.get(sub.review_id)
            out[DATE_REQUESTS].append(Item(
                DATE_REQUESTS, f"date-request:{req.id}", sub, req.requested_on, new_due_on=req.requested_due_on,
                waited=workdays.between(req.requested_on, state.today),
                past_plan_due=plan_due is not None and req.requested_due_on > plan_due))
    return out


DIGEST_CATEGORIES = {DUE: (RETURNED, OVERDUE, DUE_7, DUE_30), QUEUE: (AWAITING, DATE_REQUESTS)}


def digest(kind: str, state: PlanState, person: Recipient, since: dt.date | None = None) -> dict:
    """{category: [Item]} of one digest, empty categories left out; {} when there is nothing to say.
    `since`: for decisions, the date of the previous digest of that kind (None: the last
    RECENT_DAYS days)."""
    if kind not in kinds_for(person):
        return {}
    if kind == DUE:
        found = for_organisation(state, person.organisation_id)
        found = {c: found[c] for c in DIGEST_CATEGORIES[DUE]}
    elif kind == DECISIONS:
        found = {DECIDED: decided(state, state.owned(person.organisation_id), since)}
    elif kind == QUEUE:
        found = for_reviewer(state, person)
    else:
        raise ValueError(f"{kind} is a summary, not a digest: use weekly_summary()")
    return {c: items for c, items in found.items() if items}


def panel(state: PlanState, person: Recipient, seen=frozenset()) -> dict:
    """{category: [Item]} for the "Needs your attention" panel: an organisation member's items (the
    same rules as the due-date digest, with date requests awaiting and decisions not yet seen) and
    a reviewer's queue; empty categories left out."""
    found = {}
    if person.organisation_id is not None and person.role in ("org", "reviewer"):
        found.update(for_organisation(state, person.organisation_id, seen))
    if person.role == "reviewer":
        found.update(for_reviewer(state, person))
    return {c: items for c, items in found.items() if items}


# --- the office's weekly summary ---------------------------------------------------------------

@dataclass
class Summary:
    table: list  # [(section number, sub-actions, {colour: n})] then ("Total", n, {colour: n})
    changes: list  # decisions since `since`, newest first
    went_red: list  # due date passed since `since` without the evidence accepted
    waiting_long: list  # evidence waiting more than WAITING_TOO_LONG working days, oldest first
    to_be_confirmed: list = field(default_factory=list)  # Subs whose due date is to be confirmed, plan order

    def __bool__(self):
        return bool(self.table)


def weekly_summary(state: PlanState, since: dt.date) -> Summary:
    by_section, total = {}, Counter()
    for sub in state.subs.values():
        by_section.setdefault(sub.section, Counter())[sub.colour] += 1
        total[sub.colour] += 1
    table = [(n, sum(c.values()), {k: c[k] for k in COLOURS}) for n, c in sorted(by_section.items())]
    if table:
        table.append(("Total", sum(total.values()), {k: total[k] for k in COLOURS}))
    changes = decided(state, state.subs, since)
    went_red = [Item(OVERDUE, f"overdue:{s.id}", s, s.due_on)
                for s in sorted(state.subs.values(), key=by_due)
                if s.colour == RED and s.due_on is not None and since <= s.due_on < state.today]
    waiting = [i for i in for_reviewer(state, None)[AWAITING] if i.waited > WAITING_TOO_LONG]
    return Summary(table, changes, went_red, waiting, to_be_confirmed(state))


def to_be_confirmed(state: PlanState) -> list:
    """The sub-actions (Sub) whose due date in force is to be confirmed, in plan order."""
    return sorted((s for s in state.subs.values() if s.due_on is None), key=plan_order)


def plan_order(sub):
    """Sort key: a ref's numbers (2.10.1 after 2.9.1)."""
    return tuple(int(n) if n.isdigit() else 0 for n in sub.ref.split("."))
