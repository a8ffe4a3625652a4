"""The demo plan many times over, for benchmarks: copies of the demo's sections, recommendations and
sub-actions (with their evidence decisions, returns and date requests, so the colours and workflow
states are the demo's) added to the same review as sections 16, 17, …, so that every count of the
progress table is `factor` times the deck's; and extra invented users spread over the organisations.

Evidence files are not copied (a copied submission has none): what is benchmarked here is the plan.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..models import DueDateRequest, EvidenceSubmission, Organisation, Recommendation, Section, SubAction, User


def build(factor: int, users: int = 0):
    """Make the first review's plan `factor` times the demo's (factor 1: unchanged) and bring the
    number of active accounts up to `users`. The caller commits."""
    sections = list(db.session.scalars(
        select(Section).order_by(Section.number).options(
            selectinload(Section.recommendations).selectinload(Recommendation.owners),
            selectinload(Section.recommendations).selectinload(Recommendation.sub_actions).options(
                selectinload(SubAction.submissions), selectinload(SubAction.date_requests)))))
    base = [s for s in sections if s.review_id == sections[0].review_id]
    size = len(base)
    for copy in range(1, factor):
        for section in base:
            _copy_section(section, section.number + copy * size)
        db.session.flush()
        db.session.expunge_all()  # keep the session small; `base` stays loaded (detached)
    if users:
        _add_users(users)
    # On record like any change to the plan, which also tells the report cache the plan changed.
    if base:
        audit.record("plan.scaled", None, after={"factor": factor, "users": users}, review_id=base[0].review_id)


def _copy_section(section, number):
    new = Section(review_id=section.review_id, number=number, title=section.title,
                  added_on=section.added_on, retired_on=section.retired_on)
    db.session.add(new)
    for rec in section.recommendations:
        new_rec = Recommendation(section=new, position=rec.position, text=rec.text, phc_flag=rec.phc_flag,
                                 phc_reason=rec.phc_reason, added_on=rec.added_on, retired_on=rec.retired_on,
                                 owners=[db.session.merge(o, load=False) for o in rec.owners])
        db.session.add(new_rec)
        for sa in rec.sub_actions:
            new_sa = SubAction(recommendation=new_rec, owner_id=sa.owner_id, position=sa.position, text=sa.text,
                               lead_name=sa.lead_name, original_due_on=sa.original_due_on,
                               current_due_on=sa.current_due_on, state=sa.state, accepted_on=sa.accepted_on,
                               added_on=sa.added_on, retired_on=sa.retired_on, created_at=sa.created_at)
            db.session.add(new_sa)
            for sub in sa.submissions:
                new_sa.submissions.append(EvidenceSubmission(
                    description=sub.description, status=sub.status, submitted_by_id=sub.submitted_by_id,
                    submitted_at=sub.submitted_at, submitted_on=sub.submitted_on, decided_by_id=sub.decided_by_id,
                    decided_at=sub.decided_at, decided_on=sub.decided_on, decision_comment=sub.decision_comment,
                    fingerprint=sub.fingerprint, invalidated_on=sub.invalidated_on, withdrawn_on=sub.withdrawn_on))
            for req in sa.date_requests:
                new_sa.date_requests.append(DueDateRequest(
                    previous_due_on=req.previous_due_on, requested_due_on=req.requested_due_on, reason=req.reason,
                    status=req.status, requested_by_id=req.requested_by_id, requested_at=req.requested_at,
                    requested_on=req.requested_on, withdrawn_on=req.withdrawn_on, decided_by_id=req.decided_by_id,
                    decided_at=req.decided_at, decided_on=req.decided_on, decision_comment=req.decision_comment))


def _add_users(total):
    """Invented accounts (no password: invited) until there are `total`: mostly organisation
    members, some reviewers of the CCGs, a few viewers and admins."""
    orgs = list(db.session.scalars(select(Organisation).order_by(Organisation.id)))
    ccgs = [o for o in orgs if o.code.endswith("-ccg")] or orgs[:1]
    have = db.session.scalar(select(db.func.count(User.id)))
    for n in range(have, total):
        if n % 50 == 0:
            role, org = "admin", None
        elif n % 25 == 0:
            role, org = "viewer", orgs[n % len(orgs)]
        elif n % 20 == 0:
            role, org = "reviewer", ccgs[n % len(ccgs)]
        else:
            role, org = "org", orgs[n % len(orgs)]
        db.session.add(User(email=f"scale-{n}@demo.test", name=f"Scale test user {n}", role=role,
                            organisation_id=org.id if org else None))
    db.session.flush()
