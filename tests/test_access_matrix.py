"""The access matrix: every route of app.url_map x every role, against the answers written down once in
tests/access_matrix.py. A route without an entry fails, telling the developer to add one."""
import datetime as dt
import hashlib
import re

from sqlalchemy import select

from access_matrix import EXPECTED, QUERY, ROLES, USERS
from conftest import Auth
from sefton.extensions import db
from sefton.plan.importing.files import REQUIRED_COLUMNS
from sefton.models import (
    CqcSubmission,
    DueDateRequest,
    EvidenceFile,
    EvidenceSubmission,
    Organisation,
    OrganisationAlias,
    PendingImport,
    Recommendation,
    Review,
    Section,
    SubAction,
    User,
)

SKIP = {"static"}
SESSION_ENDING = {"accounts.two_step", "accounts.two_step_setup", "auth.logout"}
# The data posted: nothing that would change the plan (missing or refused fields), so that each answer
# says who may reach the action, not what a previous request did.
POSTED = {"reports.record_submission": {"as_at": "not a date"}, "review.flag": {"flagged": "0"},
          "auth.login": {"email": "", "password": ""}}


def _objects():
    """Objects owned by Alder Hey (the `own` organisation), each endpoint argument's value."""
    ahch = db.session.scalar(select(Organisation.id).where(Organisation.code == "ahch"))
    mine = select(SubAction.id).where(SubAction.owner_id == ahch)
    section = db.session.scalar(select(Section.id).where(Section.number == 4))
    pdf = b"%PDF-1.7 (illustrative)"
    cqc = CqcSubmission(review_id=db.session.scalar(select(Review.id)), as_at=dt.date(2019, 4, 1), figures={},
                        pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest())
    db.session.add(cqc)
    csv = (",".join(REQUIRED_COLUMNS) + "\n").encode()  # a plan file with no rows: nothing to apply
    upload = PendingImport(review_id=cqc.review_id, filename="plan.csv", sha256=hashlib.sha256(csv).hexdigest(),
                           data=csv)
    db.session.add(upload)
    alias = OrganisationAlias(organisation_id=ahch, alias="Alder Hey", key="alder hey")
    db.session.add(alias)
    db.session.commit()
    return {
        "section_id": section,
        "rec_id": db.session.scalar(select(Recommendation.id).where(Recommendation.section_id == section)
                                    .order_by(Recommendation.id)),
        "sub_action_id": db.session.scalar(mine.order_by(SubAction.id)),
        "file_id": db.session.scalar(select(EvidenceFile.id).join(EvidenceSubmission)
                                     .where(EvidenceSubmission.sub_action_id.in_(mine)).order_by(EvidenceFile.id)),
        "submission_id": db.session.scalar(select(EvidenceSubmission.id).where(
            EvidenceSubmission.status == "pending", EvidenceSubmission.sub_action_id.in_(mine))),
        "request_id": db.session.scalar(select(DueDateRequest.id).where(
            DueDateRequest.status == "pending", DueDateRequest.sub_action_id.in_(mine))),
        "cqc_submission_id": cqc.id,
        "org_id": ahch,
        "user_id": db.session.scalar(select(User.id).where(User.email == "ahch@demo.test")),
        "review_id": cqc.review_id,
        "import_id": upload.id,
        "alias_id": alias.id,
        "token": "not-a-real-token",
        "kind": "note",
    }


def _cases(app, objects):
    # Last: the routes that end the session (signing out; the two-step pages send a signed-in demo
    # account, which needs no second step, back to sign in).
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in SESSION_ENDING, r.rule)):
        if rule.endpoint in SKIP:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            args = {name: objects["cqc_submission_id" if rule.endpoint == "reports.submission_pdf" else name]
                    for name in rule.arguments}
            path = rule.rule
            for name, value in args.items():
                path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
            yield f"{method} {rule.endpoint}", method, path + QUERY.get(rule.endpoint, "")


def _client(app, role):
    client = app.test_client()
    auth = Auth(client)
    if USERS[role]:
        auth.login(USERS[role])
        return client, auth.token("/")
    page = client.get("/login").get_data(as_text=True)
    return client, re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_every_route_answers_each_role_as_the_matrix_says(app):
    objects = _objects()
    cases = list(_cases(app, objects))
    missing = sorted({key for key, _, _ in cases} - set(EXPECTED))
    assert not missing, ("routes without an entry in tests/access_matrix.py; add one per route, with the status "
                         "each role must get: " + ", ".join(missing))
    wrong = []
    for role in ROLES:
        client, token = _client(app, role)
        for key, method, path in cases:
            endpoint = key.split(" ", 1)[1]
            if endpoint in SESSION_ENDING:
                client, token = _client(app, role)  # each with a live session of its own
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, data={**POSTED.get(endpoint, {}), "csrf_token": token})
            got = response.status_code
            if got == 302 and "/login" in response.headers.get("Location", "") and endpoint != "auth.login":
                got = "login"
            expected = EXPECTED[key][ROLES.index(role)]
            if got != expected:
                wrong.append(f"{key} as {role}: {got}, the matrix says {expected}")
    assert not wrong, "\n".join(wrong)
