"""The data model, one module per capability that writes it, and this one import point
(`from sefton.models import SubAction`) for everything that reads it.

Colours are never stored: a sub-action's status is derived (sefton.figures.status) from its due dates
and from the history of its evidence decisions. What is stored is the workflow state and that history.

- `common`: the time zone, the roles, the workflow states, the clock (`utcnow`);
- `accounts`: organisations (and the other names offices write for them), users, their sessions, recovery codes and single-use links;
- `plan`: reviews, sections, recommendations (owners, the Public Health flag and responses),
  sub-actions, and the office's changes of an original due date;
- `workflow`: progress notes, evidence submissions and files, due-date requests;
- `records`: the audit trail and the submissions to CQC (append-only), the report cache, uploaded
  plan files awaiting Apply and the column mappings remembered for them;
- `notifications`: the outbox, e-mail choices, items marked as seen, the daily runs.

Tables only: no Flask request and no rule here beyond what the database itself must hold.
"""
from .accounts import (
    AccountToken,
    Organisation,
    OrganisationAlias,
    PendingSignIn,
    RecoveryCode,
    TrustedDevice,
    User,
    UserSession,
)
from .common import ACCEPTED, LONDON, OPEN, RETURNED, ROLES, STATES, SUBMITTED, utcnow
from .notifications import NotificationPref, OutboxMessage, ReminderRun, SeenItem
from .plan import OriginalDueChange, PhcResponse, Recommendation, Review, Section, SubAction, recommendation_owners
from .records import AuditEvent, CqcSubmission, ImmutableError, ImportMapping, PendingImport, ReportCache
from .workflow import DueDateRequest, EvidenceFile, EvidenceSubmission, ProgressNote

__all__ = ["AccountToken", "Organisation", "OrganisationAlias", "PendingSignIn", "RecoveryCode", "TrustedDevice",
           "User", "UserSession",
           "ACCEPTED", "LONDON", "OPEN", "RETURNED", "ROLES", "STATES", "SUBMITTED", "utcnow",
           "NotificationPref", "OutboxMessage", "ReminderRun", "SeenItem",
           "OriginalDueChange", "PhcResponse", "Recommendation", "Review", "Section", "SubAction",
           "recommendation_owners",
           "AuditEvent", "CqcSubmission", "ImmutableError", "ImportMapping", "PendingImport", "ReportCache",
           "DueDateRequest", "EvidenceFile", "EvidenceSubmission", "ProgressNote"]
