"""The workflow rules without HTTP: every transition of the state machine, then the service functions
(who may decide, what a decision records, the audit event, the optimistic lock, lapsed acceptances)."""
import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select

from sefton import access, workflow
from sefton.figures import progress
from sefton.workflow.evidence import Checked
from sefton.extensions import db
from sefton.models import (
    ACCEPTED,
    OPEN,
    RETURNED,
    STATES,
    SUBMITTED,
    AuditEvent,
    DueDateRequest,
    EvidenceSubmission,
    Organisation,
    Recommendation,
    SubAction,
    User,
)
from sefton.web import current_review

NO = "refused"
SAME = "unchanged"
# Written out from the issue, not derived from TRANSITIONS, so that the table checks the code.
EXPECTED = {
    "note": {OPEN: SAME, SUBMITTED: SAME, RETURNED: SAME, ACCEPTED: SAME},
    "submit": {OPEN: SUBMITTED, SUBMITTED: NO, RETURNED: SUBMITTED, ACCEPTED: SUBMITTED},
    "withdraw": {OPEN: NO, SUBMITTED: OPEN, RETURNED: NO, ACCEPTED: NO},
    "accept": {OPEN: NO, SUBMITTED: ACCEPTED, RETURNED: NO, ACCEPTED: NO},
    "return": {OPEN: NO, SUBMITTED: RETURNED, RETURNED: NO, ACCEPTED: NO},
    "request_date": {OPEN: SAME, SUBMITTED: SAME, RETURNED: SAME, ACCEPTED: NO},
    "decide_date": {OPEN: SAME, SUBMITTED: SAME, RETURNED: SAME, ACCEPTED: SAME},
}
CELLS = [(action, state) for action in EXPECTED for state in STATES]


# --- the pure state machine ------------------------------------------------------------------

def test_the_table_covers_every_action_and_state():
    assert set(EXPECTED) == set(workflow.TRANSITIONS)
    assert all(set(row) == set(STATES) for row in EXPECTED.values())


@pytest.mark.parametrize("action,state", CELLS)
def test_transition(action, state):
    expected = EXPECTED[action][state]
    if expected == NO:
        assert not workflow.allowed(action, state)
        with pytest.raises(workflow.WorkflowError) as refused:
            workflow.next_state(action, state)
        assert str(refused.value)  # a message fit to show the user
    else:
        assert workflow.allowed(action, state)
        assert workflow.next_state(action, state) == (state if expected == SAME else expected)


def test_a_refusal_names_the_reason():
    with pytest.raises(workflow.WorkflowError, match="no evidence awaiting review"):
        workflow.next_state("accept", OPEN)
    with pytest.raises(workflow.WorkflowError, match="already awaiting review"):
        workflow.next_state("submit", SUBMITTED)


def test_stale_error_is_a_workflow_error():
    assert issubclass(workflow.StaleError, workflow.WorkflowError)


def test_fingerprint_is_sha256_over_the_files_in_order():
    class F:
        def __init__(self, name, data):
            self.original_name, self.size, self.sha256 = name, len(data), hashlib.sha256(data).hexdigest()

    a, b = F("a.txt", b"first"), F("b.pdf", b"%PDF-second")
    expected = hashlib.sha256(f"{a.sha256}:5:a.txt\n{b.sha256}:11:b.pdf\n".encode()).hexdigest()
    assert workflow.fingerprint([a, b]) == expected
    assert workflow.fingerprint([b, a]) != expected
    assert len(expected) == 64


# --- helpers for the service functions ---------------------------------------------------------

def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def second_reviewer():
    return user("reviewer2@demo.test")  # the demo's other CCG reviewer (sf-ccg)


def pending_submission(exclude_org="ss-ccg"):
    return db.session.scalars(
        select(EvidenceSubmission).join(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
        .where(EvidenceSubmission.status == "pending", Organisation.code != exclude_org)
        .order_by(EvidenceSubmission.id)).first()


def sub_action_of(code, state=OPEN):
    return db.session.scalars(
        select(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
        .where(Organisation.code == code, SubAction.state == state).order_by(SubAction.id)).first()


def audit_count():
    return db.session.scalar(select(func.count(AuditEvent.id)))


def files(text="Minutes of the safeguarding group (illustrative)."):
    return [Checked(name="minutes.txt", content_type="text/plain", data=text.encode())]


def totals(as_at):
    return progress.by_section(current_review().id, as_at).total


def set_today(app, day):
    app.config["SEFTON_TODAY"] = day


# --- deciding on evidence ----------------------------------------------------------------------

def test_accepting_records_who_when_comment_and_fingerprint_with_one_audit_event(app):
    sub = pending_submission()
    sa = sub.sub_action
    reviewer, before_events, before_version = user("reviewer@demo.test"), audit_count(), sa.version
    workflow.accept_submission(reviewer, sub, "  Audit results attached.  ", version=sa.version)
    db.session.commit()
    assert sub.status == "accepted" and sub.decided_by_id == reviewer.id
    assert sub.decided_on == dt.date(2019, 4, 1) and sub.decided_at is not None
    assert sub.decision_comment == "Audit results attached."
    expected = hashlib.sha256("".join(f"{f.sha256}:{f.size}:{f.original_name}\n" for f in sub.files).encode())
    assert sub.fingerprint == expected.hexdigest()
    assert (sa.state, sa.accepted_on) == (ACCEPTED, dt.date(2019, 4, 1))
    assert sa.version > before_version
    assert audit_count() == before_events + 1
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor_id, event.sub_action_id, event.object_id) == (
        "evidence.accepted", reviewer.id, sa.id, sub.id)
    assert event.before["state"] == SUBMITTED and event.after["state"] == ACCEPTED
    assert event.after["fingerprint"] == sub.fingerprint and event.after["comment"] == "Audit results attached."


def test_returning_needs_a_reason_and_records_it(app):
    sub = pending_submission()
    sa, reviewer, events = sub.sub_action, user("reviewer@demo.test"), audit_count()
    with pytest.raises(workflow.WorkflowError, match="reason"):
        workflow.return_submission(reviewer, sub, "   ", version=sa.version)
    db.session.rollback()
    assert sub.status == "pending" and sa.state == SUBMITTED and audit_count() == events
    workflow.return_submission(reviewer, sub, "Attach the signed minutes.", version=sa.version)
    db.session.commit()
    assert (sub.status, sub.decision_comment, sa.state, sa.accepted_on) == (
        "returned", "Attach the signed minutes.", RETURNED, None)
    assert sub.fingerprint == workflow.fingerprint(sub.files)
    assert audit_count() == events + 1


def test_a_reviewer_cannot_decide_on_their_own_submission(app):
    reviewer = user("reviewer@demo.test")  # a member of ss-ccg, which owns sub-actions
    sa = sub_action_of("ss-ccg")
    sub = workflow.submit_evidence(reviewer, sa, "Our own evidence", files(), version=sa.version)
    db.session.commit()
    events = audit_count()
    for decide in (lambda: workflow.accept_submission(reviewer, sub, "", version=sa.version),
                   lambda: workflow.return_submission(reviewer, sub, "No", version=sa.version)):
        with pytest.raises(workflow.WorkflowError, match="another reviewer"):
            decide()
        db.session.rollback()
    assert sub.status == "pending" and audit_count() == events
    other = second_reviewer()
    workflow.accept_submission(other, sub, "", version=sa.version)
    db.session.commit()
    assert sub.status == "accepted" and sub.decided_by_id == other.id


@pytest.mark.parametrize("email", ["admin@demo.test", "viewer@demo.test", "ahch@demo.test"])
def test_only_reviewers_decide(app, email):
    sub = pending_submission()
    with pytest.raises(workflow.WorkflowError, match="Only a reviewer"):
        workflow.accept_submission(user(email), sub, "", version=sub.sub_action.version)


def test_a_decided_submission_cannot_be_decided_again(app):
    sub = pending_submission()
    reviewer = user("reviewer@demo.test")
    workflow.accept_submission(reviewer, sub, "", version=sub.sub_action.version)
    db.session.commit()
    with pytest.raises(workflow.WorkflowError):
        workflow.return_submission(reviewer, sub, "Changed my mind", version=sub.sub_action.version)


def test_a_stale_version_changes_nothing(app):
    sub = pending_submission()
    sa, events = sub.sub_action, audit_count()
    with pytest.raises(workflow.StaleError):
        workflow.accept_submission(user("reviewer@demo.test"), sub, "", version=sa.version - 1)
    db.session.rollback()
    assert sub.status == "pending" and sa.state == SUBMITTED and audit_count() == events


def test_a_concurrent_change_that_wins_the_race_makes_the_loser_stale(app):
    """Both read version N; the other request's UPDATE lands first. Ours must not overwrite it."""
    sub = pending_submission()
    sa, events = sub.sub_action, audit_count()
    seen = sa.version
    with db.engine.begin() as other:  # another app instance, another connection
        other.execute(SubAction.__table__.update().where(SubAction.__table__.c.id == sa.id)
                      .values(version=seen + 1))
    with pytest.raises(workflow.StaleError):
        workflow.accept_submission(user("reviewer@demo.test"), sub, "", version=seen)
    db.session.rollback()
    assert db.session.get(EvidenceSubmission, sub.id).status == "pending" and audit_count() == events


# --- evidence changed after acceptance; figures as at a date -----------------------------------

def test_new_evidence_after_acceptance_lapses_it_from_that_date(app):
    set_today(app, dt.date(2019, 4, 10))
    sub = pending_submission()
    sa = sub.sub_action
    green_before = totals(dt.date(2019, 4, 9)).green
    workflow.accept_submission(user("reviewer@demo.test"), sub, "", version=sa.version)
    db.session.commit()
    assert totals(dt.date(2019, 4, 9)).green == green_before  # as at the day before: old colour
    assert totals(dt.date(2019, 4, 10)).green == green_before + 1

    set_today(app, dt.date(2019, 4, 20))
    member = db.session.scalar(select(User).where(User.organisation_id == sa.owner_id, User.role == "org"))
    events = audit_count()
    new = workflow.submit_evidence(member, sa, "Updated audit", files("v2"), version=sa.version)
    db.session.commit()
    assert sub.invalidated_on == dt.date(2019, 4, 20) and sub.status == "accepted"
    assert (sa.state, sa.accepted_on) == (SUBMITTED, None)
    assert audit_count() == events + 1
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "evidence.submitted" and event.after["lapsed_submission_id"] == sub.id
    # Green from the acceptance until the day before the change, not from the change on.
    assert totals(dt.date(2019, 4, 9)).green == green_before
    assert totals(dt.date(2019, 4, 19)).green == green_before + 1
    assert totals(dt.date(2019, 4, 20)).green == green_before
    # Accepting the new evidence makes it Green again from that later date.
    set_today(app, dt.date(2019, 4, 25))
    workflow.accept_submission(user("reviewer@demo.test"), new, "", version=sa.version)
    db.session.commit()
    assert totals(dt.date(2019, 4, 24)).green == green_before
    assert totals(dt.date(2019, 4, 25)).green == green_before + 1


# --- due-date requests -------------------------------------------------------------------------

def pending_request(exclude_org="ss-ccg"):
    return db.session.scalars(
        select(DueDateRequest).join(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
        .where(DueDateRequest.status == "pending", Organisation.code != exclude_org)
        .order_by(DueDateRequest.id)).first()


def test_accepting_a_date_changes_the_current_due_date_and_keeps_the_original(app):
    req = pending_request()
    sa, events = req.sub_action, audit_count()
    original = sa.original_due_on
    workflow.decide_due_date(user("reviewer@demo.test"), req, True, "", version=sa.version)
    db.session.commit()
    assert (req.status, req.decided_on) == ("accepted", dt.date(2019, 4, 1))
    assert sa.current_due_on == req.requested_due_on and sa.original_due_on == original and sa.revised
    assert audit_count() == events + 1


def test_declining_a_date_needs_a_comment(app):
    req = pending_request()
    sa, reviewer = req.sub_action, user("reviewer@demo.test")
    due = sa.current_due_on
    with pytest.raises(workflow.WorkflowError, match="reason"):
        workflow.decide_due_date(reviewer, req, False, " ", version=sa.version)
    db.session.rollback()
    workflow.decide_due_date(reviewer, req, False, "The CQC deadline cannot move.", version=sa.version)
    db.session.commit()
    assert (req.status, req.decision_comment, sa.current_due_on) == ("declined", "The CQC deadline cannot move.", due)
    with pytest.raises(workflow.WorkflowError, match="already been decided"):
        workflow.decide_due_date(reviewer, req, True, "", version=sa.version)


def test_a_reviewer_cannot_decide_on_their_own_date_request(app):
    reviewer = user("reviewer@demo.test")
    sa = sub_action_of("ss-ccg")
    req = workflow.request_due_date(reviewer, sa, dt.date(2019, 12, 31), "Quarter of data", version=sa.version)
    db.session.commit()
    with pytest.raises(workflow.WorkflowError, match="another reviewer"):
        workflow.decide_due_date(reviewer, req, True, "", version=sa.version)
    with pytest.raises(workflow.WorkflowError, match="Only a reviewer"):
        workflow.decide_due_date(user("viewer@demo.test"), req, True, "", version=sa.version)


def test_a_date_decision_on_a_stale_page_changes_nothing(app):
    req = pending_request()
    with pytest.raises(workflow.StaleError):
        workflow.decide_due_date(user("reviewer@demo.test"), req, True, "", version=req.sub_action.version + 1)


# --- flags ------------------------------------------------------------------------------------

def test_flagging_is_for_reviewers_and_admins_and_audited_once(app):
    rec = db.session.scalars(select(Recommendation).where(Recommendation.phc_flag.is_(False))).first()
    events = audit_count()
    with pytest.raises(workflow.FieldError, match="Give the reason"):
        workflow.set_phc_flag(user("admin@demo.test"), rec, True)  # a flag needs its reason
    assert workflow.set_phc_flag(user("admin@demo.test"), rec, True, "Commissioned by Public Health.") is True
    assert workflow.set_phc_flag(user("admin@demo.test"), rec, True, "Again") is False  # already flagged: no event
    db.session.commit()
    assert rec.phc_flag and audit_count() == events + 1
    assert workflow.set_phc_flag(user("reviewer@demo.test"), rec, False) is True
    db.session.commit()
    assert not rec.phc_flag and audit_count() == events + 2
    for email in ("viewer@demo.test", "ahch@demo.test"):
        with pytest.raises(workflow.WorkflowError):
            workflow.set_phc_flag(user(email), rec, True, "A reason")


# --- separation of duties by organisation ---------------------------------------------------

def _colleague_submission(code="ss-ccg"):
    """Evidence submitted by an org user of `code` (not by any reviewer)."""
    sa = sub_action_of(code)
    sub = workflow.submit_evidence(user(f"{code}@demo.test"), sa, "Minutes", files(), version=sa.version)
    db.session.commit()
    return sa, sub


def test_a_reviewer_never_decides_on_their_own_organisations_evidence(app):
    sa, sub = _colleague_submission("ss-ccg")
    reviewer = user("reviewer@demo.test")  # ss-ccg
    assert not access.can_decide(reviewer, sub)
    with pytest.raises(workflow.WorkflowError, match="your own organisation, NHS South Sefton CCG"):
        workflow.accept_submission(reviewer, sub, "", version=sa.version)
    db.session.rollback()
    assert sub.status == "pending"
    workflow.accept_submission(second_reviewer(), sub, "", version=sa.version)  # the other CCG's reviewer
    db.session.commit()
    assert sub.status == "accepted"


def test_a_reviewer_never_decides_on_their_own_organisations_date_request(app):
    sa = sub_action_of("sf-ccg")
    new = sa.current_due_on + dt.timedelta(days=30)
    req = workflow.request_due_date(user("sf-ccg@demo.test"), sa, new, "Data", version=sa.version)
    db.session.commit()
    with pytest.raises(workflow.WorkflowError, match="your own organisation"):
        workflow.decide_due_date(second_reviewer(), req, True, "", version=sa.version)
    db.session.rollback()
    workflow.decide_due_date(user("reviewer@demo.test"), req, True, "", version=sa.version)
    db.session.commit()
    assert req.status == "accepted"


def test_separation_relaxed_to_self_lets_a_colleague_decide_but_never_oneself(app):
    app.config["SEFTON_SEPARATION_OF_DUTIES"] = "self"
    sa, sub = _colleague_submission("ss-ccg")
    reviewer = user("reviewer@demo.test")
    assert access.can_decide(reviewer, sub)
    own_sa = db.session.scalars(select(SubAction).join(Organisation, SubAction.owner_id == Organisation.id)
                                .where(Organisation.code == "ss-ccg", SubAction.id != sa.id,
                                       SubAction.state == "open")).first()
    own = workflow.submit_evidence(reviewer, own_sa, "Mine", files(), version=own_sa.version)
    assert not access.can_decide(reviewer, own)
    workflow.accept_submission(reviewer, sub, "", version=sa.version)
    db.session.commit()
    assert sub.status == "accepted"


def test_an_unknown_separation_rule_is_refused_at_start(tmp_path):
    from flask import Flask

    from sefton import config

    with pytest.raises(config.ConfigError, match="SEFTON_SEPARATION_OF_DUTIES"):
        config.load(Flask("x", instance_path=str(tmp_path)),
                    {"SEFTON_DEMO": True, "SEFTON_SEPARATION_OF_DUTIES": "none"})


def test_a_due_date_more_than_five_years_ahead_is_refused(app):
    sa = sub_action_of("ahch")
    lead = user("ahch@demo.test")
    today = dt.date(2019, 4, 1)  # the demo's business date
    with pytest.raises(workflow.WorkflowError, match="within five years of today"):
        workflow.request_due_date(lead, sa, dt.date(2024, 4, 2), "Long programme", version=sa.version)
    db.session.rollback()
    assert workflow._years_after(dt.date(2020, 2, 29), 5) == dt.date(2025, 2, 28)
    req = workflow.request_due_date(lead, sa, workflow._years_after(today, 5), "Long programme", version=sa.version)
    assert req.requested_due_on == dt.date(2024, 4, 1)
