"""Who gets what: the expected answer of every route for each role, written down once.

Roles: anon (not signed in), own (an org user of the organisation owning the object: Alder Hey),
other (an org user of another organisation: North West Boroughs), reviewer (South Sefton CCG),
viewer, admin. "login" means a redirect to the sign-in page. POSTs send a valid CSRF token and data
that changes nothing (see test_access_matrix.POSTED), so 400/409/422 mean "reached the action".
A new route needs a line here: test_access_matrix fails until it has one.
"""
ROLES = ("anon", "own", "other", "reviewer", "viewer", "admin")
USERS = {"anon": None, "own": "ahch@demo.test", "other": "nwbh@demo.test", "reviewer": "reviewer@demo.test",
         "viewer": "viewer@demo.test", "admin": "admin@demo.test"}
# Query strings that keep downloads cheap (a refused date answers 400 once access is granted).
QUERY = {"reports.plan_pdf": "?as_at=not-a-date", "reports.plan_xlsx": "?as_at=not-a-date",
         "reports.plan_csv": "?as_at=not-a-date", "reports.meeting_pack_pdf": "?since=not-a-date"}

EXPECTED = {  # route: (anon, own, other, reviewer, viewer, admin)
    # admin
    "GET admin.index": ("login", 403, 403, 403, 403, 200),
    # auth
    "GET auth.login": (200, 302, 302, 302, 302, 302),
    "POST auth.login": (422, 302, 302, 302, 302, 302),
    "POST auth.logout": ("login", "login", "login", "login", "login", "login"),
    "GET healthz": (200, 200, 200, 200, 200, 200),
    # plan
    "GET plan.dashboard": ("login", 200, 200, 200, 200, 200),
    "GET plan.recommendation": ("login", 200, 404, 200, 200, 200),
    "GET plan.section": ("login", 200, 404, 200, 200, 200),
    "GET plan.sub_action": ("login", 200, 404, 200, 200, 200),
    # reports
    "GET reports.index": ("login", 200, 200, 200, 200, 200),
    "GET reports.meeting_pack": ("login", 403, 403, 200, 200, 200),
    "GET reports.meeting_pack_pdf": ("login", 403, 403, 400, 400, 400),
    "GET reports.plan_csv": ("login", 400, 400, 400, 400, 400),
    "GET reports.plan_pdf": ("login", 400, 400, 400, 400, 400),
    "GET reports.plan_xlsx": ("login", 400, 400, 400, 400, 400),
    "POST reports.record_submission": ("login", 403, 403, 403, 403, 422),
    "GET reports.submission_pdf": ("login", 403, 403, 200, 200, 200),
    "GET reports.submissions": ("login", 403, 403, 200, 200, 200),
    # review
    "POST review.accept": ("login", 403, 403, 400, 403, 403),
    "POST review.accept_date": ("login", 403, 403, 400, 403, 403),
    "POST review.decline_date": ("login", 403, 403, 400, 403, 403),
    "POST review.flag": ("login", 403, 403, 302, 403, 302),
    "GET review.flagged": ("login", 403, 403, 200, 200, 200),
    "GET review.queue": ("login", 403, 403, 200, 200, 200),
    "POST review.return_": ("login", 403, 403, 400, 403, 403),
    "GET review.submission": ("login", 403, 403, 200, 200, 200),
    # workspace
    "POST workspace.add_note": ("login", 422, 404, 403, 403, 403),
    "GET workspace.download_evidence": ("login", 200, 404, 200, 200, 200),
    "GET workspace.history": ("login", 200, 404, 200, 200, 200),
    "GET workspace.my_actions": ("login", 200, 200, 200, 403, 403),
    "POST workspace.request_due_date": ("login", 422, 404, 403, 403, 403),
    "POST workspace.submit_evidence": ("login", 422, 404, 403, 403, 403),
    "POST workspace.withdraw_submission": ("login", 409, 404, 403, 403, 403),
}
