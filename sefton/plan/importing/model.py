"""The review as plain data (what the rules compare the file with) and the plan of changes."""
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from .names import Names

# --- the review as it is, as plain data ---------------------------------------------------------

@dataclass(frozen=True)
class Org:
    id: int
    code: str
    name: str
    short_name: str
    active: bool = True


@dataclass(frozen=True)
class SectionData:
    id: int
    number: int
    title: str
    retired_on: dt.date | None = None


@dataclass(frozen=True)
class RecData:
    id: int
    section: int  # section number
    position: int
    text: str
    owner_ids: frozenset
    retired_on: dt.date | None = None

    @property
    def ref(self):
        return f"{self.section}.{self.position}"


@dataclass(frozen=True)
class SubData:
    id: int
    section: int
    rec: int
    position: int
    text: str
    owner_id: int
    lead: str
    original_due_on: dt.date | None  # None: to be confirmed
    retired_on: dt.date | None = None
    record: "Record | None" = None  # what the tracker holds beyond the plan's wording (None: no history)
    changed_at: dt.datetime | None = None  # the time of its latest audit event

    @property
    def ref(self):
        return f"{self.section}.{self.rec}.{self.position}"


@dataclass(frozen=True)
class Record:
    """A sub-action's history in the tracker, as far as an import compares its state with it."""

    state: str  # the workflow state
    current_due_on: dt.date | None
    decision: str = ""  # "accepted by Ann Reviewer on 4 July 2019", "returned by ... on ...", "submitted on ..."
    note: str | None = None  # the latest progress note's text
    note_words: str = ""  # "by Dee Lead on 1 May 2019"
    revision: str = ""  # "agreed by Ann Reviewer on 1 May 2019" for a revised due date

    @property
    def accepted(self):
        return self.state == "accepted"


@dataclass
class Context:
    review_code: str | None
    orgs: list
    sections: list = field(default_factory=list)
    recs: list = field(default_factory=list)
    subs: list = field(default_factory=list)
    whole_plan: bool = False
    aliases: dict = field(default_factory=dict)  # compared name (names.key) -> organisation id
    today: dt.date | None = None  # the business date (None: no check of dates in the future)
    state_on: dt.date | None = None  # the Map page's "state as at": the date of state read from the file
    file_saved: dt.datetime | None = None  # the workbook's "last modified" (UTC), when it says
    filename: str = ""
    importer: str = ""  # the name of the person importing

    def __post_init__(self):
        self.org_by_id = {o.id: o for o in self.orgs}
        self.names = Names(self.orgs, self.aliases)
        self.section_by_number = {s.number: s for s in self.sections}
        self.rec_by_ref = {r.ref: r for r in self.recs}
        self.sub_by_ref = {s.ref: s for s in self.subs}

    def org_names(self, ids):
        return "; ".join(sorted(self.org_by_id[i].short_name for i in ids))


# --- the plan of changes ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str  # the file's heading
    letter: str
    message: str
    rows: tuple = ()  # a problem found on several rows, said once (an unknown organisation's name)

    def __str__(self):
        where = [self.sheet] + ([f"row {self.row}"] if self.row else []) + (
            [f"column {self.letter} ({self.column})" if self.letter else f"column {self.column}"] if self.column else [])
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Unknown:
    """An organisation name the tracker does not know, once, with the rows it is on."""

    text: str
    column: str
    letter: str
    sheet: str
    rows: list = field(default_factory=list)


@dataclass
class Notice:
    """Something the preview says although it is not a problem: what was read how, what was not used."""

    topic: str  # one of NOTICE_TOPICS
    message: str
    rows: list = field(default_factory=list)  # (sheet, row) pairs


NOTICE_TOPICS = {
    "sheets": "Sheets", "columns": "Columns not imported", "readings": "Values read as",
    "numbering": "Numbering", "fills": "Fill colours", "status": "Status", "kept": "Not imported: the tracker's record stands",
}


@dataclass(frozen=True)
class State:
    """The office's record brought in on first load: "accepted" (before the tracker), "note" or "revision"."""

    kind: str
    ref: str
    id: int | None  # None: a sub-action this import adds
    on: dt.date  # accepted on / noted on / agreed on
    row: int
    text: str = ""  # the evidence's description or the note's text
    due_on: dt.date | None = None  # a revision's date
    shown: str = ""


@dataclass(frozen=True)
class Add:
    kind: str  # "section", "recommendation" or "sub-action"
    ref: str
    values: dict  # section: title; recommendation: text, owner_ids; sub-action: text, owner_id, lead, original_due_on
    row: int
    shown: tuple = ()  # (label, value as shown) pairs


@dataclass(frozen=True)
class Change:
    kind: str
    ref: str
    id: int
    field: str  # the model's attribute ("owner_ids" for a recommendation's owners)
    label: str
    old: object
    new: object
    row: int
    shown_old: str = ""
    shown_new: str = ""


@dataclass(frozen=True)
class Retire:
    ref: str
    id: int
    text: str
    owner: str


@dataclass
class ChangePlan:
    adds: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    retires: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    rows: int = 0
    states: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    unknown: list = field(default_factory=list)  # Unknown names, once each (also in errors)
    live: int = 0  # sub-actions in the plan now, before this import
    said: dict = field(default_factory=dict, repr=False)  # (topic, message) -> Notice: each said once
    unknown_by_name: dict = field(default_factory=dict, repr=False)  # (column, name) -> Unknown, while reading

    @property
    def nothing_to_do(self):
        return not (self.adds or self.changes or self.retires or self.states)

    @property
    def retire_needs_number(self):
        """Retiring more than a quarter of the plan asks the admin to type how many."""
        return bool(self.retires) and len(self.retires) * 4 > self.live

    def notices_by_topic(self):
        grouped = {}
        for notice in self.notices:
            grouped.setdefault(notice.topic, []).append(notice)
        return [(NOTICE_TOPICS[t], grouped[t]) for t in NOTICE_TOPICS if t in grouped]

    @property
    def can_apply(self):
        return not self.errors and not self.nothing_to_do

    def counts(self):
        added = {k: sum(a.kind == k for a in self.adds) for k in ("section", "recommendation", "sub-action")}
        return {"rows": self.rows, "added": added["sub-action"], "added_sections": added["section"],
                "added_recommendations": added["recommendation"],
                "changed": len({c.ref for c in self.changes if c.kind == "sub-action"}),
                "changed_recommendations": len({c.ref for c in self.changes if c.kind == "recommendation"}),
                "changed_sections": len({c.ref for c in self.changes if c.kind == "section"}),
                "retired": len(self.retires), "errors": len(self.errors),
                "accepted_before": sum(s.kind == "accepted" for s in self.states),
                "notes": sum(s.kind == "note" for s in self.states),
                "revisions": sum(s.kind == "revision" for s in self.states)}

    def digest(self):
        """A fingerprint of what Apply would do: the preview carries it, Apply compares it."""
        data = ([["add", a.kind, a.ref, sorted(a.values.items())] for a in self.adds]
                + [["change", c.kind, c.ref, c.field, c.old, c.new] for c in self.changes]
                + [["retire", r.ref, r.id] for r in self.retires]
                + [["state", s.kind, s.ref, s.id, s.on, s.text, s.due_on] for s in self.states])
        text = json.dumps(data, default=lambda v: sorted(v) if isinstance(v, (set, frozenset)) else str(v))
        return hashlib.sha256(text.encode()).hexdigest()


