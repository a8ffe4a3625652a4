"""The review as plain data (what the rules compare the file with) and the plan of changes."""
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

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
    original_due_on: dt.date
    retired_on: dt.date | None = None

    @property
    def ref(self):
        return f"{self.section}.{self.rec}.{self.position}"


@dataclass
class Context:
    review_code: str | None
    orgs: list
    sections: list = field(default_factory=list)
    recs: list = field(default_factory=list)
    subs: list = field(default_factory=list)
    whole_plan: bool = False

    def __post_init__(self):
        self.org_by_id = {o.id: o for o in self.orgs}
        self.org_by_key = {}
        for attr in ("name", "short_name", "code"):  # a code wins over a name that reads the same
            for org in self.orgs:
                self.org_by_key[getattr(org, attr).strip().casefold()] = org
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
    column: str
    letter: str
    message: str

    def __str__(self):
        where = [self.sheet] + ([f"row {self.row}"] if self.row else []) + (
            [f"column {self.letter} ({self.column})" if self.letter else f"column {self.column}"] if self.column else [])
        return f"{', '.join(where)}: {self.message}"


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

    @property
    def nothing_to_do(self):
        return not (self.adds or self.changes or self.retires)

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
                "retired": len(self.retires), "errors": len(self.errors)}

    def digest(self):
        """A fingerprint of what Apply would do: the preview carries it, Apply compares it."""
        data = ([["add", a.kind, a.ref, sorted(a.values.items())] for a in self.adds]
                + [["change", c.kind, c.ref, c.field, c.old, c.new] for c in self.changes]
                + [["retire", r.ref, r.id] for r in self.retires])
        text = json.dumps(data, default=lambda v: sorted(v) if isinstance(v, (set, frozenset)) else str(v))
        return hashlib.sha256(text.encode()).hexdigest()


