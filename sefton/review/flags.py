"""Recommendations flagged "for the attention of Public Health Commissioners": reviewers and admins
flag them with a reason; the Commissioners (Sefton Council's users, and viewers) acknowledge and
comment. Load (through access), check, act (through workflow, one commit), answer."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import access, web, workflow
from ..extensions import db
from ..models import PhcResponse
from . import queries
from .blueprint import bp


def responses_by_rec(rec_ids):
    if not rec_ids:
        return {}
    found = {}
    for r in db.session.scalars(select(PhcResponse).where(PhcResponse.recommendation_id.in_(rec_ids))
                                .options(joinedload(PhcResponse.author)).order_by(PhcResponse.id)):
        found.setdefault(r.recommendation_id, []).append(r)
    return found


def _page(status=200, errors=None, values=None):
    may_flag = access.can_flag(current_user)
    # Both lists a page at a time (web.PAGE_SIZE): ?page= for the flagged, ?others_page= for the rest.
    flagged_page = web.page_of(queries.flagged_total(current_user))
    rows = queries.flagged(current_user, limit=flagged_page.size, offset=flagged_page.offset)
    others_page = web.page_of(queries.unflagged_total(current_user) if may_flag else 0, "others_page")
    others = queries.unflagged(current_user, limit=others_page.size, offset=others_page.offset) if may_flag else []
    return render_template("review/flagged.html", rows=rows, may_flag=may_flag,
                           may_respond=access.can_respond_phc(current_user),
                           responses=responses_by_rec([r.rec.id for r in rows]), others=others,
                           flagged_page=flagged_page, others_page=others_page,
                           errors=errors or {}, values=values or {}), status


@bp.get("/flagged")
@access.signed_in(*access.EVERYONE)
def flagged():
    if not access.sees_flagged(current_user):
        abort(403)
    return _page()


@bp.post("/recommendations/<int:rec_id>/flag")
@access.signed_in(*access.FLAGGERS)
def flag(rec_id):
    rec = access.get_recommendation(current_user, rec_id)
    flagged = request.form.get("flagged") == "1"
    reason = request.form.get("reason", "")
    try:
        changed = workflow.set_phc_flag(current_user, rec, flagged, reason)
    except workflow.FieldError as exc:
        db.session.rollback()
        return _page(422, errors={f"reason-{rec.id}": str(exc)}, values={f"reason-{rec.id}": reason})
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


@bp.post("/recommendations/<int:rec_id>/public-health")
@access.signed_in(*access.EVERYONE)
def respond(rec_id):
    rec = access.get_recommendation(current_user, rec_id)
    if not access.can_respond_phc(current_user):
        abort(403)
    kind, body = request.form.get("kind", ""), request.form.get("body", "")
    try:
        workflow.respond_phc(current_user, rec, kind, body)
    except workflow.FieldError as exc:
        db.session.rollback()
        return _page(422, errors={f"body-{rec.id}": str(exc)}, values={f"body-{rec.id}": body})
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("review.flagged"))
    db.session.commit()
    flash(f"Recommendation {rec.ref}: {'acknowledged' if kind == 'acknowledged' else 'your comment is recorded'}.",
          "success")
    return redirect(url_for("review.flagged") + f"#flagged-{rec.id}")
