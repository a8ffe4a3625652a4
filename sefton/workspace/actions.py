"""The changes an organisation makes to its sub-actions. Each route: load (through access), act
(through workflow, one commit), answer: the row for htmx (with the counts, progress table and flash
message out of band), or a redirect back for a plain form. Invalid input: 422 and the form again."""
from flask import current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from .. import access, dates, htmx, workflow
from ..extensions import db
from ..web import ERROR_TEXT, current_review, error_response, int_arg
from ..workflow import evidence
from . import rows
from .blueprint import bp
from .views import workspace_return_to

MEMBERS = (access.ORG, access.REVIEWER)
STALE = workflow.StaleError(workflow.STALE_MESSAGE)
# Messages of sefton.workflow that belong to one field of a form (the others are shown above the form).
FIELD_OF = {
    "Enter the progress note": "body",
    "Describe what the evidence shows": "description",
    "Choose at least one file to upload": "files",
    "Give a reason for the new due date": "reason",
    "The new due date must differ from the current one": "new_due_on",
    "The new due date must be today or later": "new_due_on",
    workflow.DUE_TOO_FAR: "new_due_on",
}


# What a person types in each form: kept when the change is refused as stale (409).
TYPED = {"note": ("body",), "evidence": ("description",), "date": ("new_due_on", "reason")}
KEPT = {
    "note": "Your note is kept in the box below: check it against the current state and add it again.",
    "evidence": ("Your description is kept below: check it against the current state, choose the files "
                 "again and submit again."),
    "date": "The date and reason you gave are kept below: check them against the current state and send them again.",
}


class Invalid(Exception):
    """Input refused before it reaches the workflow (a date that is not a date, a refused file):
    every field's error at once, {field: message}."""

    def __init__(self, errors):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@bp.post("/sub-actions/<int:sub_action_id>/notes")
@access.signed_in(*MEMBERS)
def add_note(sub_action_id):
    def apply(sa, version):
        workflow.add_note(current_user, sa, request.form.get("body"), version=version)

    return _act(sub_action_id, "note", apply, "Progress note added.")


@bp.post("/sub-actions/<int:sub_action_id>/evidence")
@access.signed_in(*MEMBERS)
def submit_evidence(sub_action_id):
    def apply(sa, version):
        limit = int(current_app.config["SEFTON_MAX_UPLOAD_MB"]) * 1024 * 1024
        errors = {}
        if not (request.form.get("description") or "").strip():
            errors["description"] = "Describe what the evidence shows"
        try:
            files = evidence.check_uploads(request.files.getlist("files"), limit,
                                           current_app.config["SEFTON_MAX_FILES_PER_SUBMISSION"])
            if not files:
                errors["files"] = "Choose at least one file to upload"
        except evidence.UploadError as exc:
            errors["files"] = str(exc)
        if errors:
            raise Invalid(errors)
        workflow.submit_evidence(current_user, sa, request.form.get("description"), files, version=version)

    return _act(sub_action_id, "evidence", apply, "Evidence submitted. It is now awaiting review.")


@bp.post("/sub-actions/<int:sub_action_id>/withdraw")
@access.signed_in(*MEMBERS)
def withdraw_submission(sub_action_id):
    def apply(sa, version):
        workflow.withdraw_submission(current_user, sa, version=version)

    return _act(sub_action_id, "withdraw", apply, "Submission withdrawn. You can submit evidence again.")


@bp.post("/sub-actions/<int:sub_action_id>/date-request")
@access.signed_in(*MEMBERS)
def request_due_date(sub_action_id):
    def apply(sa, version):
        if sa.current_due_on is None:  # to be confirmed: refused whatever was typed, nothing written
            raise workflow.WorkflowError(workflow.DUE_TO_BE_CONFIRMED)
        try:
            new_due_on = dates.parse(request.form.get("new_due_on", ""))
        except ValueError as exc:
            raise Invalid({"new_due_on": str(exc)}) from None
        workflow.request_due_date(current_user, sa, new_due_on, request.form.get("reason"), version=version)

    return _act(sub_action_id, "date", apply, "New due date requested. A reviewer will decide on it.")


@bp.post("/date-requests/<int:request_id>/cancel")
@access.signed_in(*MEMBERS)
def cancel_date_request(request_id):
    req = access.get_date_request_to_cancel(current_user, request_id)

    def apply(sa, version):
        workflow.cancel_date_request(current_user, req, version=version)

    return _act(req.sub_action_id, None, apply,
                "Request for a new due date cancelled. The due date has not changed.")


# --- answers --------------------------------------------------------------------------------------

def _act(sub_action_id, form, apply, success):
    sa = access.get_sub_action(current_user, sub_action_id, for_change=True)
    version = int_arg(request.form.get("version"))
    if version is None:
        version = -1  # a form without the version it was made from cannot be trusted to be current
    try:
        apply(sa, version)
        db.session.commit()
    except (workflow.StaleError, StaleDataError) as exc:
        db.session.rollback()
        # Nothing written; what was typed comes back in the form beside the row as it is now.
        notice = str(exc) if isinstance(exc, workflow.StaleError) else str(STALE)
        kept = any((request.form.get(name) or "").strip() for name in TYPED.get(form, ()))
        if kept:
            notice += " " + KEPT[form]
        return _answer(sub_action_id, 409, form=form if kept else None, notice=notice)
    except Invalid as exc:
        db.session.rollback()
        return _answer(sub_action_id, 422, form=form, errors=exc.errors)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        field = getattr(exc, "field", None) or FIELD_OF.get(str(exc))
        if field:
            return _answer(sub_action_id, 422, form=form, errors={field: str(exc)})
        return _answer(sub_action_id, 422, form=form, notice=str(exc))
    flash(success, "success")
    if htmx.is_htmx():
        return _answer(sub_action_id, 200)
    back = workspace_return_to()
    return redirect(back if "#" in back else f"{back}#subaction-{sub_action_id}")


def _answer(sub_action_id, status, form=None, errors=None, notice=None):
    """The row in its current state (with the form that failed open, and its errors)."""
    row = rows.one(current_user, sub_action_id)
    context = {"row": row, "open_form": form, "errors": errors or {}, "notice": notice, "answer_status": status,
               "values": request.form if status in (409, 422) else {}}
    if htmx.is_htmx():
        org, review = current_user.organisation, current_review()
        context.update(rows.summary(review, org, dates.today()))
        # A refusal is answered 422 for htmx (static/js/app.js swaps 422 and 409, not other errors).
        return htmx.fragment("workspace/_row.html", 422 if status >= 400 and status != 409 else status,
                             oob=("_flash.html", "workspace/_counts.html", "workspace/_progress_own.html"),
                             **context)
    return render_template("workspace/refused.html", status=status, **context), status


@bp.errorhandler(413)
def upload_too_large(error):
    """The whole request was over MAX_CONTENT_LENGTH: refused before anything was read or saved."""
    mb = current_app.config["SEFTON_MAX_UPLOAD_MB"]
    message = (f"The upload is too large. Each file can be up to {mb} MB, and all the files sent together "
               f"up to {current_app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB. Choose smaller files "
               "and try again.")
    sub_action_id = (request.view_args or {}).get("sub_action_id")
    g.upload_too_large = True
    if request.endpoint != "workspace.submit_evidence" or not current_user.is_authenticated:
        return error_response(413, ERROR_TEXT[413][0], message)
    access.get_sub_action(current_user, sub_action_id, for_change=True)
    return _answer(sub_action_id, 413, form="evidence", errors={"files": message})

