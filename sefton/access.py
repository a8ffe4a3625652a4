"""Who may see and change what: the one place where access is decided (PRODUCT.md section 3).

Every route is classified with @public or @signed_in(...) (tests/test_access.py walks app.url_map
and fails on a route that is not). Every list and load of a plan object goes through the query
and get_* helpers below; another organisation's object answers 404, never 403, so that its
existence is not confirmed.
"""
import functools

from flask import abort, current_app
from flask_login import current_user, login_required
from sqlalchemy import and_, exists, false, or_, select

from . import dates, duties
from .extensions import db
from .models import (
    DueDateRequest,
    EvidenceFile,
    EvidenceSubmission,
    Recommendation,
    Section,
    SubAction,
    recommendation_owners,
)

ORG, REVIEWER, VIEWER, ADMIN = "org", "reviewer", "viewer", "admin"
EVERYONE = (ORG, REVIEWER, VIEWER, ADMIN)
SEES_ALL = (REVIEWER, VIEWER, ADMIN)


# --- route classification -------------------------------------------------------------------

def public(view):
    """No sign-in needed (sign-in page, health check, static files)."""
    view.access = ("public", ())
    return view


def signed_in(*roles):
    """Sign-in needed; with roles, only those roles (others get 403: the page is not theirs)."""
    allowed = tuple(roles) or EVERYONE

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        guarded = login_required(wrapper)
        guarded.access = ("signed-in", allowed)
        return guarded

    return decorate


def classification(view):
    return getattr(view, "access", None)


# --- who sees what ---------------------------------------------------------------------------

def sees_all(user) -> bool:
    return user.role in SEES_ALL


PUBLIC_HEALTH_ORG = "sefton-council"  # its people include the Public Health Commissioners


def is_public_health(user) -> bool:
    """Public Health Commissioners: users of Sefton Council (and viewers, who see everything).
    They see the recommendations flagged for their attention, acknowledge and comment on them."""
    if user.role == VIEWER:
        return True
    org = user.organisation
    return user.role == ORG and org is not None and org.code == PUBLIC_HEALTH_ORG


def sees_flagged(user) -> bool:
    """Who sees the list of recommendations flagged for Public Health."""
    return sees_all(user) or is_public_health(user)


def can_respond_phc(user) -> bool:
    """Who may acknowledge or comment on a flagged recommendation."""
    return is_public_health(user)


def assigned_to(org_id):
    """SQL condition: the Recommendation is assigned to the organisation (one of its owners)."""
    return exists().where(
        recommendation_owners.c.recommendation_id == Recommendation.id,
        recommendation_owners.c.organisation_id == org_id,
    )


def _rec_visible(user):
    """SQL condition: the Recommendation is visible to the user."""
    if sees_all(user):
        return True
    if is_public_health(user):  # the areas flagged for their attention, besides their own
        return Recommendation.phc_flag.is_(True) | assigned_to(user.organisation_id)
    return assigned_to(user.organisation_id)


def recommendations(user):
    """Select of the recommendations the user may see."""
    return select(Recommendation).where(_rec_visible(user))


def sections(user, review_id):
    """Select of the sections of a review in which the user sees at least one recommendation."""
    query = select(Section).where(Section.review_id == review_id).order_by(Section.number)
    if not sees_all(user):
        query = query.where(
            exists().where(Recommendation.section_id == Section.id, _rec_visible(user))
        )
    return query


def sub_actions(user):
    """Select of the sub-actions the user may see: all of each visible recommendation."""
    return select(SubAction).join(Recommendation, SubAction.recommendation_id == Recommendation.id).where(
        _rec_visible(user)
    )


def evidence_submissions(user):
    """Select of the evidence submissions whose files the user may see."""
    query = select(EvidenceSubmission).join(SubAction, EvidenceSubmission.sub_action_id == SubAction.id)
    if not sees_all(user):
        query = query.where(SubAction.owner_id == user.organisation_id)
    return query


def get_section(user, section_id):
    query = select(Section).where(Section.id == section_id)
    if not sees_all(user):
        query = query.where(exists().where(Recommendation.section_id == Section.id, _rec_visible(user)))
    return _one_or_404(query)


def get_recommendation(user, rec_id):
    return _one_or_404(recommendations(user).where(Recommendation.id == rec_id))


def get_sub_action(user, sub_action_id, *, for_change=False):
    """Load a visible sub-action; with for_change, also require that the user may change it."""
    sub_action = _one_or_404(sub_actions(user).where(SubAction.id == sub_action_id))
    if for_change and not can_change(user, sub_action):
        abort(403)
    return sub_action


def get_submission(user, submission_id):
    return _one_or_404(evidence_submissions(user).where(EvidenceSubmission.id == submission_id))


def get_evidence_file(user, file_id):
    query = (
        select(EvidenceFile)
        .join(EvidenceSubmission, EvidenceFile.submission_id == EvidenceSubmission.id)
        .join(SubAction, EvidenceSubmission.sub_action_id == SubAction.id)
        .where(EvidenceFile.id == file_id)
    )
    if not sees_all(user):
        query = query.where(SubAction.owner_id == user.organisation_id)
    return _one_or_404(query)


def _one_or_404(query):
    obj = db.session.scalars(query).first()
    if obj is None:
        abort(404)
    return obj


# --- who may change what ---------------------------------------------------------------------

def can_change(user, sub_action) -> bool:
    """Progress notes, evidence, completion and date requests: members of the owning organisation
    (an org user, or a reviewer who is also a member of that organisation), while the sub-action is
    part of the plan (a retired one is read-only)."""
    return (
        user.is_authenticated
        and user.role in (ORG, REVIEWER)
        and user.organisation_id is not None
        and sub_action.owner_id == user.organisation_id
        and (sub_action.retired_on is None or dates.today() < sub_action.retired_on)
    )


def can_cancel_date_request(user, request) -> bool:
    """A request for a new due date is cancelled by the organisation that asked for it: the members
    who may change the sub-action (its org users, and a reviewer who belongs to that organisation,
    as they may ask for one). Viewers and admins never; another organisation's reviewer decides."""
    return can_change(user, request.sub_action)


def get_date_request_to_cancel(user, request_id):
    """A date request on a sub-action the user sees (else 404) and may change (else 403)."""
    request = _one_or_404(select(DueDateRequest).where(
        DueDateRequest.id == request_id,
        DueDateRequest.sub_action_id.in_(sub_actions(user).with_only_columns(SubAction.id))))
    if not can_cancel_date_request(user, request):
        abort(403)
    return request


def can_see_evidence(user, sub_action) -> bool:
    return sees_all(user) or sub_action.owner_id == user.organisation_id


def is_reviewer(user) -> bool:
    """Reviewers decide on evidence and date requests (can_decide / can_decide_date say which)."""
    return user.role == REVIEWER


def separation() -> str:
    """SEFTON_SEPARATION_OF_DUTIES (the rule itself is in duties.py)."""
    return current_app.config.get("SEFTON_SEPARATION_OF_DUTIES", duties.ORGANISATION)


def why_not_decide(user, made_by_id, owner, thing="evidence") -> str | None:
    """Why the user may not decide on a submission or a date request (None: they may). `owner` is the
    organisation that owns the sub-action, the one that made the submission or the request."""
    if not is_reviewer(user):
        return "Only a reviewer can decide on this."
    refused = duties.refusal(user.id, user.organisation_id, made_by_id, owner.id, separation())
    if refused == duties.OWN:
        made = "submitted this evidence" if thing == "evidence" else "asked for this date"
        return f"You {made}, so another reviewer must decide on it."
    if refused == duties.OWN_ORGANISATION:
        made = "This evidence was submitted" if thing == "evidence" else "This date was asked for"
        return f"{made} by your own organisation, {owner.name}, so a reviewer of another organisation must decide on it."
    return None


def can_decide(user, submission) -> bool:
    """Reviewers decide on evidence, never on their own nor (by default) their organisation's."""
    return why_not_decide(user, submission.submitted_by_id, submission.sub_action.owner) is None


def can_decide_date(user, request) -> bool:
    return why_not_decide(user, request.requested_by_id, request.sub_action.owner, "date") is None


def may_decide(user, made_by_id, owner_id):
    """SQL condition, the same rule as why_not_decide (duties.refusal) for a list or a count:
    `made_by_id` and `owner_id` are the columns of the person who made the submission or request
    and of the organisation owning the sub-action."""
    if not is_reviewer(user):
        return false()
    conditions = [or_(made_by_id.is_(None), made_by_id != user.id)]
    if separation() == duties.ORGANISATION and user.organisation_id is not None:
        conditions.append(owner_id != user.organisation_id)
    return and_(*conditions)


def why_not_decide_on(user, obj) -> str | None:
    """The reason for a submission (EvidenceSubmission) or a date request (DueDateRequest)."""
    if isinstance(obj, EvidenceSubmission):
        return why_not_decide(user, obj.submitted_by_id, obj.sub_action.owner)
    return why_not_decide(user, obj.requested_by_id, obj.sub_action.owner, "date")


FLAGGERS = (REVIEWER, ADMIN)


def can_flag(user) -> bool:
    """Set or clear "for the attention of Public Health Commissioners" on a recommendation."""
    return user.role in FLAGGERS


def is_admin(user) -> bool:
    return user.role == ADMIN


# --- accounts --------------------------------------------------------------------------------

TWO_STEP_ROLES = (REVIEWER, ADMIN)
DEMO_DOMAIN = "@demo.test"


def requires_two_step(user) -> bool:
    """Two-step verification at password sign-in: required for admins and reviewers (optional for
    others). The demo's accounts are exempt while SEFTON_DEMO is on, so that a newcomer signs in
    with the password alone. Not asked for single sign-on (NHSmail does it)."""
    if user.role not in TWO_STEP_ROLES:
        return False
    return not (current_app.config["SEFTON_DEMO"] and user.email.lower().endswith(DEMO_DOMAIN))


PEOPLE_MANAGERS = (ADMIN,)


def can_manage_people(user) -> bool:
    """Invite, change, deactivate people and send them reset links."""
    return user.role in PEOPLE_MANAGERS


def can_change_account(admin, person) -> bool:
    """An admin changes anyone's role, organisation and active state but their own (so that the
    office never locks itself out)."""
    return can_manage_people(admin) and admin.id != person.id


# --- administration --------------------------------------------------------------------------

# Only administrators open /admin (reviewers and organisation users get 403; viewers too: the
# administration pages are the office's tools, and viewers read everything they need elsewhere).
ADMINISTRATORS = (ADMIN,)


def can_administer(user) -> bool:
    """Change reviews, organisations and the plan itself; read the audit log."""
    return user.is_authenticated and user.role in ADMINISTRATORS


def can_choose_review(user, review) -> bool:
    """Every signed-in user may switch the review the pages work on (the header's switcher)."""
    return user.is_authenticated and review is not None
