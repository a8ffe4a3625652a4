"""Recommendations flagged "for the attention of Public Health Commissioners"."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import access, workflow
from ..extensions import db
from . import REVIEW_ROLES, bp, queries


@bp.get("/flagged")
@access.signed_in(*REVIEW_ROLES)
def flagged():
    may_flag = access.can_flag(current_user)
    return render_template("review/flagged.html", rows=queries.flagged(current_user), may_flag=may_flag,
                           others=queries.unflagged(current_user) if may_flag else [])


@bp.post("/recommendations/<int:rec_id>/flag")
@access.signed_in(*access.FLAGGERS)
def flag(rec_id):
    rec = access.get_recommendation(current_user, rec_id)
    flagged = request.form.get("flagged") == "1"
    try:
        changed = workflow.set_phc_flag(current_user, rec, flagged)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("review.flagged"))
    db.session.commit()
    if not changed:
        flash(f"Recommendation {rec.ref} was already {'flagged' if flagged else 'not flagged'}.", "info")
    elif flagged:
        flash(f"Recommendation {rec.ref} is now flagged for the attention of Public Health Commissioners.",
              "success")
    else:
        flash(f"Recommendation {rec.ref} is no longer flagged for Public Health Commissioners.", "success")
    return redirect(url_for("review.flagged"))
