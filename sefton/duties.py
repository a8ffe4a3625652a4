"""Separation of duties, one pure rule for the server's refusal, the review queue and the reminders.

SEFTON_SEPARATION_OF_DUTIES = "organisation" (the rule): a reviewer never decides on what their own
organisation submitted or asked for; the other CCG's reviewer does. "self" (relaxed, for a review
whose reviewers all belong to one organisation): never on what they made themselves.
"""
ORGANISATION, SELF = "organisation", "self"
SEPARATIONS = (ORGANISATION, SELF)

OWN, OWN_ORGANISATION = "own", "own_organisation"


def refusal(reviewer_id, reviewer_org_id, made_by_id, owner_org_id, separation=ORGANISATION) -> str | None:
    """Why this reviewer may not decide on a submission or date request (OWN or OWN_ORGANISATION),
    or None when they may. `owner_org_id`: the organisation owning the sub-action, the one that made it."""
    if made_by_id is not None and made_by_id == reviewer_id:
        return OWN
    if separation == ORGANISATION and reviewer_org_id is not None and owner_org_id == reviewer_org_id:
        return OWN_ORGANISATION
    return None
