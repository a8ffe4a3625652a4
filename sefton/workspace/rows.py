"""What the workspace pages show: the organisation's rows (in a fixed number of queries), its
counts, and the filters. Every query starts from sefton.access / sefton.figures.queries."""
import datetime as dt
import json
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import render_template
from markupsafe import Markup
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from .. import access, cache, dates
from ..extensions import db
from ..figures import COLOURS, GREEN, GREY, LABELS, RED, progress, queries, status_column
from ..models import (
    RETURNED,
    SUBMITTED,
    DueDateRequest,
    EvidenceSubmission,
    ProgressNote,
    Recommendation,
    Section,
    SubAction,
)
from ..notifications import reminders

DATE_REQUESTED = "date_requested"
STATUS_FILTERS = {GREEN: LABELS[GREEN], GREY: LABELS[GREY], RED: LABELS[RED],
                  SUBMITTED: "Evidence awaiting review", RETURNED: "Evidence returned",
                  DATE_REQUESTED: "New due dates requested"}
DUE_FILTERS = {"overdue": "Overdue", "next30": "Due in the next 30 days", reminders.TBC: "Due date to be confirmed"}
PAGE_SIZE = 50  # rows on a page of the full list


def filter_conditions(status, due, today):
    conditions = []
    if status in COLOURS:
        conditions.append(status_column(today) == status)
    elif status in (SUBMITTED, RETURNED):
        conditions.append(SubAction.state == status)
    elif status == DATE_REQUESTED:  # a request awaiting a decision, as the counts and the reminders say
        conditions.append(SubAction.id.in_(select(DueDateRequest.sub_action_id)
                                           .where(DueDateRequest.status == DueDateRequest.PENDING)))
    if due == "overdue":
        conditions.append(status_column(today) == RED)
    elif due == "next30":
        due_on = progress.due_on_column(today)  # the due date in force, by the one status rule
        conditions += [due_on >= today, due_on <= today + dt.timedelta(days=30), status_column(today) != GREEN]
    elif due == reminders.TBC:  # no due date in force (never overdue), evidence not yet accepted
        conditions += [progress.due_on_column(today).is_(None), status_column(today) != GREEN]
    return conditions


# --- what "My actions" opens on ------------------------------------------------------------------

ROWS_SHOWN = 50  # rows on the page, shared among the groups; the rest are on the filtered full list
# (group, the categories of sefton.notifications.reminders it gathers): the panel's and the e-mails' own rules.
GROUPS = ((reminders.RETURNED, (reminders.RETURNED,)),
          (reminders.OVERDUE, (reminders.OVERDUE,)),
          (reminders.DUE_30, (reminders.DUE_7, reminders.DUE_30)),
          (reminders.DATES_PENDING, (reminders.DATES_PENDING,)),
          (reminders.TBC, ()))  # its own: from the plan (to_be_confirmed), not a reminder


@dataclass(frozen=True)
class Listed:
    """An item of the "Due date to be confirmed" group: a sub-action with its id and ref."""

    sub: object

@dataclass
class Group:
    category: str  # the sefton.notifications.reminders category that names it (notify.MORE has its full list)
    heading: str
    items: list  # reminders.Item, in the reminders' order
    rows: list = field(default_factory=list)  # the rows shown here
    above: list = field(default_factory=list)  # items whose row an earlier group shows

    @property
    def count(self):
        return len(self.items)

    @property
    def more(self):
        """How many of the group are neither shown here nor above."""
        return self.count - len(self.rows) - len(self.above)


def shares(wanted, budget=ROWS_SHOWN):
    """Rows for each group, `budget` in all: an equal share each, what a small group leaves over
    going to the others. shares([280, 40, 0]) == [25, 25, 0]; shares([280, 5]) == [45, 5]."""
    given = [0] * len(wanted)
    left = budget
    open_ = [i for i, n in enumerate(wanted) if n > 0]
    while left > 0 and open_:
        each = max(left // len(open_), 1)
        for i in list(open_):
            extra = min(each, wanted[i] - given[i], left)
            given[i] += extra
            left -= extra
            if given[i] == wanted[i]:
                open_.remove(i)
            if not left:
                break
    return given


def needs_doing(user, found, today):
    """[Group] of what needs doing, from the "Needs your attention" items (`found`,
    sefton.notifications.reminders.panel), so that the page, the panel and the e-mails never disagree: returned,
    overdue, due within 30 days, new due dates awaiting a decision, then the sub-actions whose due
    date is to be confirmed (to_be_confirmed). A row is shown once, in the first group it belongs to
    (later groups link to it), ROWS_SHOWN rows at most on the page. 4 queries for the rows, whatever
    the plan's size."""
    groups, earlier = [], set()
    found = {**found, reminders.TBC: to_be_confirmed(user, today)}
    for category, parts in GROUPS:
        parts = parts or (category,)
        items, ids = [], set()
        for part in parts:
            for item in found.get(part, ()):
                if item.sub.id not in ids:  # one line per sub-action
                    ids.add(item.sub.id)
                    items.append(item)
        group = Group(category, reminders.HEADINGS[category], items)
        group.rows = [i.sub.id for i in items if i.sub.id not in earlier]  # candidates, cut below
        earlier |= ids
        groups.append(group)
    shown = set()
    for group, n in zip(groups, shares([len(g.rows) for g in groups])):
        group.rows = group.rows[:n]
        group.above = [i for i in group.items if i.sub.id in shown]
        shown.update(group.rows)
    wanted = [i for g in groups for i in g.rows]
    by_id = {}
    if wanted:
        by_id = {row.id: row for row in attach(queries.sub_action_rows(user, SubAction.id.in_(wanted), as_at=today))}
    for group in groups:  # a row the person may no longer see (none in practice) is left out
        group.rows = [by_id[i] for i in group.rows if i in by_id]
    return groups


def to_be_confirmed(user, today):
    """[Listed] of the sub-actions the person's organisation owns with no due date in force (to be
    confirmed by the office) and evidence not yet accepted, in plan order (1 query)."""
    if user.organisation_id is None:
        return []
    query = (access.sub_actions(user).join(Section, Recommendation.section_id == Section.id)
             .with_only_columns(SubAction.id, Section.number, Recommendation.position, SubAction.position)
             .where(SubAction.owner_id == user.organisation_id, queries.live_sub_actions(today),
                    *filter_conditions("", reminders.TBC, today))
             .order_by(Recommendation.section_id, Recommendation.position, SubAction.position, SubAction.id))
    return [Listed(SimpleNamespace(id=sid, ref=f"{n}.{rec}.{pos}")) for sid, n, rec, pos in db.session.execute(query)]


# --- the full list, a page at a time ------------------------------------------------------------

def full_list(user, org_id, status="", due="", today=None, page=1):
    """One page of the full list: the organisation's sub-actions on the recommendations assigned to
    it (unfiltered, its co-owners' too, read-only) in plan order, PAGE_SIZE rows a page, paged in
    SQL. Returns a Page; None when `page` is past the last page."""
    where = [access.assigned_to(org_id), queries.live_sub_actions(today), *filter_conditions(status, due, today)]
    if status or due:
        # A filter picks the organisation's own work, as the counts above it do; co-owners' rows
        # are shown for context only when nothing is filtered.
        where.append(SubAction.owner_id == org_id)
    total = db.session.scalar(access.sub_actions(user).where(*where).with_only_columns(func.count(SubAction.id)))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    if not 1 <= page <= pages:
        return None
    # From page 2 on, the last row of the page before comes too: it says whether the first
    # section and recommendation continue from there.
    before = 1 if page > 1 else 0
    rows = queries.sub_action_rows(user, *where, as_at=today, limit=PAGE_SIZE + before,
                                   offset=(page - 1) * PAGE_SIZE - before)
    previous, rows = (rows[0], rows[1:]) if before else (None, rows)
    attach(rows)
    recs = queries.recommendations_in(user, Recommendation.id.in_({r.sub_action.recommendation_id for r in rows}))
    continued = set()
    if previous is not None:
        continued = {("rec", previous.sub_action.recommendation_id),
                     ("section", previous.sub_action.recommendation.section_id)}
    return Page(group_by_section(recs, rows), total, pages, continued)


@dataclass
class Page:
    sections: list  # [(section, [(recommendation, [rows])])]
    total: int
    pages: int
    continued: set  # ("section", id) and ("rec", id) that began on the page before


def group_by_section(recs, rows):
    """[(section, [(recommendation, [rows])])] in plan order, empty recommendations dropped."""
    sections = []
    for rec, rec_rows in queries.group_by_recommendation(recs, rows):
        if not rec_rows:
            continue
        if not sections or sections[-1][0].id != rec.section_id:
            sections.append((rec.section, []))
        sections[-1][1].append((rec, rec_rows))
    return sections


def attach(rows):
    """Add to each row its latest note, the submission awaiting review and the last returned one,
    with their files (not their bytes): 2 queries whatever the number of rows."""
    by_id = {row.id: row for row in rows}
    for row in rows:
        row.latest_note = row.pending = row.returned = None
        row.extras = True
    if not rows:
        return rows
    latest = (select(func.max(ProgressNote.id)).where(ProgressNote.sub_action_id.in_(by_id))
              .group_by(ProgressNote.sub_action_id))
    for note in db.session.scalars(select(ProgressNote).where(ProgressNote.id.in_(latest))):
        by_id[note.sub_action_id].latest_note = note
    subs = (select(EvidenceSubmission)
            .where(EvidenceSubmission.sub_action_id.in_(by_id),
                   EvidenceSubmission.status.in_([EvidenceSubmission.PENDING, EvidenceSubmission.RETURNED]))
            .options(selectinload(EvidenceSubmission.files))
            .order_by(EvidenceSubmission.id))
    for sub in db.session.scalars(subs):
        row = by_id[sub.sub_action_id]
        if sub.status == EvidenceSubmission.PENDING:
            row.pending = sub
        else:
            row.returned = sub
    return rows


def one(user, sub_action_id, today=None):
    """The row of one visible sub-action, with what the workspace shows of it."""
    return attach(queries.sub_action_rows(user, SubAction.id == sub_action_id, as_at=today))[0]


def counts(org_id, today):
    """Counts of the sub-actions the organisation owns: per colour, awaiting review, returned,
    new dates requested."""
    own = and_(SubAction.owner_id == org_id,
               SubAction.recommendation_id.in_(select(Recommendation.id).where(queries.live_recommendations(today))),
               progress.exists_at(SubAction, today))
    colour = status_column(today).label("colour")
    result = {c: 0 for c in COLOURS}
    result.update(db.session.execute(select(colour, func.count(SubAction.id)).where(own).group_by(colour)).all())
    states = dict(db.session.execute(select(SubAction.state, func.count(SubAction.id)).where(own)
                                     .group_by(SubAction.state)).all())
    result[SUBMITTED] = states.get(SUBMITTED, 0)
    result[RETURNED] = states.get(RETURNED, 0)
    result["date_requests"] = db.session.scalar(
        select(func.count(DueDateRequest.id)).join(SubAction, DueDateRequest.sub_action_id == SubAction.id)
        .where(own, DueDateRequest.status == DueDateRequest.PENDING))
    result["total"] = sum(result[c] for c in COLOURS)
    return result


def summary(review, org, today):
    """What the page shows beside the rows and the htmx responses swap out of band: the counts and
    the progress table, worked out once per state of the plan (the report cache, keyed on the last
    audit event): at 40 times the demo's plan the table has 320 rows, and every page of the
    workspace and every in-place change shows both."""
    def render():
        table = progress.by_section(review.id, today, org_id=org.id)
        html = render_template("plan/_progress_table.html", table=table, bare=True,
                               caption=f"Progress of {org.name} as at {dates.format_date(today)}")
        return json.dumps({"counts": counts(org.id, today), "table": html}).encode()

    body, _ = cache.fetch("workspace-summary", review, today, f"org {org.id}", False, render)
    found = json.loads(body)
    return {"counts": found["counts"], "progress_html": Markup(found["table"])}


THEME_LENGTH = 90


def short_theme(title, limit=THEME_LENGTH):
    """A section's theme cut to its first clause, or at a word within `limit` characters, with "…";
    the title itself when short enough."""
    if len(title) <= limit:
        return title
    first = title.split(";", 1)[0].strip()
    if len(first) <= limit:
        return first + "…"
    return title[:limit].rsplit(" ", 1)[0].rstrip(" ,;:(") + "…"
