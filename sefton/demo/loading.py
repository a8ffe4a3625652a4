"""The demo: the 2018 Sefton CLAS review plan with invented wording, people and evidence.

At the demo's business date (config.DEMO_TODAY) the dashboard shows the deck's progress table
(PRODUCT.md section 4, with the section 15 correction), derived from a history of submissions,
decisions and date changes that is consistent with it. Everything is deterministic.
"""
import datetime as dt
import hashlib
import random

from sqlalchemy import func, select

from ..config import DEMO_TODAY
from ..extensions import db
from ..models import (
    DueDateRequest,
    EvidenceFile,
    EvidenceSubmission,
    Organisation,
    ProgressNote,
    Recommendation,
    Review,
    Section,
    SubAction,
    User,
)
from ..workflow import fingerprint
from . import content

PASSWORD = "sefton-demo-2019"
TODAY = dt.date.fromisoformat(DEMO_TODAY)
PLAN_AGREED = dt.date(2019, 1, 14)

ORGANISATIONS = [
    ("ss-ccg", "NHS South Sefton CCG", "SS CCG"),
    ("sf-ccg", "NHS Southport and Formby CCG", "S&F CCG"),
    ("sefton-council", "Sefton Council", "Sefton Council"),
    ("s-and-o", "Southport and Ormskirk Hospital NHS Trust", "S&O"),
    ("lwh", "Liverpool Women's NHS Foundation Trust", "LWH"),
    ("nwbh", "North West Boroughs Healthcare NHS Foundation Trust", "NWBH"),
    ("ahch", "Alder Hey Children's NHS Foundation Trust", "AHCH"),
    ("mersey-care", "Mersey Care NHS Foundation Trust", "Mersey Care"),
    ("addaction", "Addaction", "Addaction"),
]

# Sub-actions per section and how many are green at the demo date (the rest grey, none red).
SPLIT = {1: (46, 20), 2: (14, 1), 3: (8, 4), 4: (10, 6), 5: (24, 17), 6: (3, 0), 7: (3, 2), 8: (3, 0),
         9: (2, 2), 10: (15, 5), 11: (8, 2), 12: (39, 17), 13: (5, 2), 14: (4, 0), 15: (61, 15)}

GREY_DUE = [TODAY, dt.date(2019, 4, 30), dt.date(2019, 5, 31), dt.date(2019, 6, 28), dt.date(2019, 7, 4),
            dt.date(2019, 9, 30), dt.date(2019, 12, 31), dt.date(2020, 3, 31)]
NOTES = [
    "Lead agreed and first meeting held; terms of reference drafted.",
    "Draft circulated to the safeguarding committee for comment.",
    "Baseline figures collected; report to follow at next governance meeting.",
    "Training dates booked with the learning and development team.",
    "Awaiting sign-off at the next board meeting.",
]
DESCRIPTIONS = [
    "Summary report to the safeguarding committee, with the minutes that record its approval.",
    "Updated procedure as ratified by the quality committee, and the staff briefing that launched it.",
    "Audit report with the action log agreed by the service leads.",
    "Training attendance figures for the quarter and the course outline.",
    "Screenshots of the updated record template and the go-live e-mail to staff.",
]
ACCEPT_COMMENTS = [
    None,
    "Meets the sub-action; the minutes show board approval.",
    "Seen at the Task and Finish group; no further action needed.",
]
RETURN_REASON = "The audit covers the wrong quarter; please attach the results for January to March 2019."


class DemoRefused(RuntimeError):
    pass


def is_demo_database() -> bool:
    """Empty, or every account is a demo account."""
    real = db.session.scalar(select(func.count(User.id)).where(~User.email.like("%@demo.test")))
    return not real


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(Organisation.id)))


def wipe():
    """Empty every table of the app, children before parents (so PostgreSQL's foreign keys hold)."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())


def load(force=False):
    """Replace the database's content by the demo. Refuses a database with real accounts."""
    if not force and not is_demo_database():
        raise DemoRefused("This database has accounts that are not demo accounts; use --force to wipe it.")
    wipe()
    Builder().build()
    db.session.commit()


def at(day: dt.date, hour=10) -> dt.datetime:
    """A stored (naive UTC) timestamp on a business day."""
    return dt.datetime.combine(day, dt.time(hour, 0))


class Builder:
    def __init__(self):
        self.rng = random.Random(2019)
        self.orgs = {}
        self.users = {}

    def build(self):
        for code, name, short in ORGANISATIONS:
            self.orgs[code] = Organisation(code=code, name=name, short_name=short)
        db.session.add_all(self.orgs.values())
        self._users()
        review = Review(
            title="Review of health services for Children Looked After and Safeguarding in Sefton",
            body="Care Quality Commission",
            area="Sefton",
            on_site_from=dt.date(2018, 7, 23),
            on_site_to=dt.date(2018, 7, 27),
            published_on=dt.date(2018, 11, 28),
            plan_due_on=dt.date(2019, 7, 4),
            code="CLAS-2018",
            chair="Accountable Officer, NHS South Sefton CCG and NHS Southport and Formby CCG",
            plan_agreed_on=PLAN_AGREED,
            governance=("The Task and Finish group reports progress on this plan to the governing bodies of both "
                        "CCGs and to the Sefton Local Safeguarding Children Board; each organisation's board "
                        "receives its own part of the plan."),
            summary=("7 inspectors used a range of methods to gather information both during and before the "
                     "visit. Tracking and sampling followed the experiences of 140 children where there had "
                     "been safeguarding concerns or who were looked after."),
        )
        db.session.add(review)
        db.session.flush()
        self._audit("demo.loaded", review, after={"review": review.title}, day=PLAN_AGREED, actor=self.users["admin"])
        for spec in content.SECTIONS:
            self._section(review, spec)

    def _users(self):
        def add(key, email, name, role, org):
            user = User(email=email, name=name, role=role, organisation=self.orgs.get(org),
                        created_at=at(PLAN_AGREED, 9))
            user.set_password(PASSWORD)
            self.users[key] = user

        add("admin", "admin@demo.test", "Demo Task and Finish Group Office", "admin", None)
        add("reviewer", "reviewer@demo.test", "Demo CCG Safeguarding Reviewer", "reviewer", "ss-ccg")
        add("viewer", "viewer@demo.test", "Demo Public Health Commissioner", "viewer", "sefton-council")
        for code, _, short in ORGANISATIONS:
            add(code, f"{code}@demo.test", f"Demo Safeguarding Lead ({short})", "org", code)
        # The other CCG's reviewer, so that evidence of South Sefton CCG can be decided (added last: the
        # other accounts keep their ids and the history its draws).
        add("reviewer2", "reviewer2@demo.test", "Demo CCG Safeguarding Reviewer (S&F)", "reviewer", "sf-ccg")
        db.session.add_all(self.users.values())
        db.session.flush()

    def _section(self, review, spec):
        section = Section(review=review, number=spec["number"], title=spec["title"])
        db.session.add(section)
        total, greens = SPLIT[spec["number"]]
        pairs, recs = [], []
        for position, rspec in enumerate(spec["recommendations"], start=1):
            rec = Recommendation(section=section, position=position, text=rspec["text"], phc_flag=rspec["phc"],
                                 owners=[self.orgs[c] for c in rspec["owners"]])
            if rspec["phc"]:
                rec.phc_reason = rspec["phc_reason"]
                rec.phc_flagged_by_id, rec.phc_flagged_at = self.users["reviewer"].id, at(PLAN_AGREED, 16)
            recs.append((rec, rspec))
            pairs += [(rec, rspec, code) for code in rspec["owners"]]
        db.session.add_all(r for r, _ in recs)
        # Every owner of a recommendation owns at least one of its sub-actions; the rest round-robin.
        slots = [pairs[i % len(pairs)] for i in range(total)]
        green_at = set(self.rng.sample(range(total), greens))
        counters = {}
        templates = content.SUBACTION_TEMPLATES
        ordered = sorted(range(total), key=lambda i: (slots[i][0].position, i))
        for i in ordered:
            rec, rspec, code = slots[i]
            counters[rec.position] = counters.get(rec.position, 0) + 1
            n = counters[rec.position]
            text = templates[(rec.position * 3 + n - 1) % len(templates)].format(topic=rspec["topic"])
            lead = self.rng.choice(content.LEADS[code])
            self._sub_action(rec, n, text, lead, self.orgs[code], green=i in green_at)
        db.session.flush()

    def _sub_action(self, rec, position, text, lead, owner, *, green):
        rng = self.rng
        if green:
            due = rng.choice([dt.date(2019, 1, 31), dt.date(2019, 2, 28), dt.date(2019, 3, 29),
                              dt.date(2019, 4, 30), dt.date(2019, 5, 31), dt.date(2019, 6, 28)])
        else:
            due = rng.choice(GREY_DUE)
        sa = SubAction(recommendation=rec, position=position, text=text, lead_name=lead, owner=owner,
                       original_due_on=due, current_due_on=due, created_at=at(PLAN_AGREED, 9))
        db.session.add(sa)
        db.session.flush()
        member = self.users[owner.code]
        reviewer = self.users["reviewer"]
        if rng.random() < 0.45:
            day = PLAN_AGREED + dt.timedelta(days=rng.randint(7, 60))
            note = ProgressNote(sub_action=sa, noted_on=day, body=rng.choice(NOTES), author_id=member.id,
                                created_at=at(day, 11))
            db.session.add(note)
            self._audit("note.added", note, after={"noted_on": day}, day=day, actor=member, sa=sa)
        if green:
            submitted = PLAN_AGREED + dt.timedelta(days=rng.randint(7, 60))
            accepted = min(submitted + dt.timedelta(days=rng.randint(2, 9)), TODAY - dt.timedelta(days=3))
            sub = self._submission(sa, member, submitted)
            sub.status, sub.decided_by_id, sub.decided_at, sub.decided_on = "accepted", reviewer.id, at(accepted, 15), accepted
            sub.decision_comment = self.rng.choice(ACCEPT_COMMENTS)
            sub.fingerprint = fingerprint(sub.files)
            sa.state, sa.accepted_on = "accepted", accepted
            self._audit("evidence.accepted", sub, before={"state": "submitted"},
                        after={"state": "accepted", "accepted_on": accepted, "fingerprint": sub.fingerprint},
                        day=accepted, actor=reviewer, sa=sa)
            return
        roll = rng.random()
        if due > TODAY and roll < 0.08:
            # A revised date accepted before the original one passed.
            original = rng.choice([dt.date(2019, 3, 29), TODAY])
            sa.original_due_on = original
            asked, decided = dt.date(2019, 3, 4), dt.date(2019, 3, 11)
            req = DueDateRequest(sub_action=sa, previous_due_on=original, requested_due_on=due, status="accepted",
                                 reason="Training places moved to the next quarter by the provider.",
                                 requested_by_id=member.id, requested_at=at(asked), requested_on=asked,
                                 decided_by_id=reviewer.id, decided_at=at(decided, 15), decided_on=decided,
                                 decision_comment="Agreed; the new date still meets the CQC deadline.")
            db.session.add(req)
            db.session.flush()
            self._audit("due_date.requested", req, after={"requested_due_on": due}, day=asked, actor=member, sa=sa)
            self._audit("due_date.accepted", req, before={"current_due_on": original},
                        after={"current_due_on": due}, day=decided, actor=reviewer, sa=sa)
        elif roll < 0.16:
            submitted = TODAY - dt.timedelta(days=rng.randint(1, 10))
            self._submission(sa, member, submitted)
            sa.state = "submitted"
        elif roll < 0.20:
            submitted = dt.date(2019, 3, 1)
            sub = self._submission(sa, member, submitted)
            returned = dt.date(2019, 3, 6)
            sub.status, sub.decided_by_id, sub.decided_at, sub.decided_on = "returned", reviewer.id, at(returned, 15), returned
            sub.decision_comment, sub.fingerprint = RETURN_REASON, fingerprint(sub.files)
            sa.state = "returned"
            self._audit("evidence.returned", sub, before={"state": "submitted"},
                        after={"state": "returned"}, day=returned, actor=reviewer, sa=sa)
        elif roll < 0.23 and due < dt.date(2019, 12, 31):
            asked = TODAY - dt.timedelta(days=rng.randint(1, 6))
            req = DueDateRequest(sub_action=sa, previous_due_on=due, requested_due_on=dt.date(2019, 12, 31),
                                 reason="The re-audit needs a full quarter of data after the new template goes live.",
                                 requested_by_id=member.id, requested_at=at(asked), requested_on=asked)
            db.session.add(req)
            db.session.flush()
            self._audit("due_date.requested", req, after={"requested_due_on": req.requested_due_on},
                        day=asked, actor=member, sa=sa)

    def _submission(self, sa, member, day):
        sub = EvidenceSubmission(sub_action=sa, description=self.rng.choice(DESCRIPTIONS),
                                 submitted_by_id=member.id, submitted_at=at(day), submitted_on=day)
        body = (f"Illustrative evidence (demo data).\nSub-action: {sa.text}\nOwner: {sa.owner.name}\n"
                f"Summary of the work done, dated {day.isoformat()}.\n").encode()
        sub.files.append(EvidenceFile(original_name=f"evidence-summary-{day.isoformat()}.txt",
                                      content_type="text/plain", size=len(body),
                                      sha256=hashlib.sha256(body).hexdigest(), data=body,
                                      uploaded_by_id=member.id, uploaded_at=at(day)))
        db.session.add(sub)
        db.session.flush()
        self._audit("evidence.submitted", sub, before={"state": "open"}, after={"state": "submitted", "files": 1},
                    day=day, actor=member, sa=sa)
        return sub

    def _audit(self, action, obj, *, day, actor, sa=None, before=None, after=None):
        from ..audit import record

        record(action, obj, before=before, after=after, sub_action=sa, actor=actor, at=at(day, 12))
