"""NHSmail identities bound to accounts (issue 21, point 3), against the OpenID provider the tests run
(test_sso): once linked, an account is signed in by its issuer and subject only, whatever the `email`
claim says; it is linked on first use only with a verified address of an allowed tenant and domain,
and never when the account is linked to another identity; the office unlinks, audited."""
import pytest
from sqlalchemy import select

from conftest import Auth, csrf_from
from sefton.extensions import db
from sefton.models import AuditEvent, User, UserSession
from test_sso import _callback, _provider_signs_in, _start, provider, sso_app  # noqa: F401  (fixtures)


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _sign_in(app, email, claims=None, sub=None):
    """A new browser signs in at the provider as `email` (subject `sub`); returns it and our answer."""
    client = app.test_client()
    response = _callback(client, _provider_signs_in(_start(client), email, claims, sub))
    return client, response


def _signed_in_as(client):
    page = client.get("/account")
    return page.status_code == 200 and page.get_data(as_text=True)


def test_a_second_identity_with_the_viewers_address_is_refused(sso_app):
    viewer, answer = _sign_in(sso_app, "viewer@demo.test", sub="viewer-at-nhsmail")
    assert answer.status_code == 302 and "viewer@demo.test" in _signed_in_as(viewer)
    [linked] = _events("user.sso_linked")
    assert linked.object_id == _user("viewer@demo.test").id
    assert linked.after == {"issuer": sso_app.config["SEFTON_OIDC_ISSUER"], "tenant": None,
                            "subject": "viewer-at-nhsmail"}

    intruder, answer = _sign_in(sso_app, "viewer@demo.test", sub="someone-else")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 403 and "already linked to another NHSmail identity" in body
    assert intruder.get("/").status_code == 302  # not signed in
    assert _user("viewer@demo.test").sso_subject == "viewer-at-nhsmail"
    assert len(_events("user.sso_linked")) == 1


def test_a_token_without_email_verified_never_links(sso_app):
    client, answer = _sign_in(sso_app, "admin@demo.test", claims={"email": "admin@demo.test"}, sub="no-verified-claim")
    assert answer.status_code == 403 and "did not confirm" in answer.get_data(as_text=True)
    assert client.get("/").status_code == 302
    admin = _user("admin@demo.test")
    assert admin.sso_subject is None and admin.sso_issuer is None and not _events("user.sso_linked")


def test_entra_id_domain_owner_verified_claim_counts_as_verified(sso_app):
    client, answer = _sign_in(sso_app, "lwh@demo.test", claims={"email": "lwh@demo.test", "xms_edov": True},
                              sub="lwh-pairwise")
    assert answer.status_code == 302 and "lwh@demo.test" in _signed_in_as(client)


def test_a_linked_subject_signs_in_after_its_address_changed(sso_app):
    _sign_in(sso_app, "ahch@demo.test", sub="ahch-subject")
    client, answer = _sign_in(sso_app, "renamed.person@elsewhere.example", sub="ahch-subject",
                              claims={"email": "renamed.person@elsewhere.example"})  # not verified, not allowed
    assert answer.status_code == 302
    assert "ahch@demo.test" in _signed_in_as(client)
    assert len(_events("user.sso_linked")) == 1


def test_with_a_tenant_the_identity_is_oid_and_tid(sso_app):
    sso_app.config["SEFTON_OIDC_ALLOWED_TENANTS"] = "Tenant-A, tenant-c"
    claims = {"email": "ahch@demo.test", "email_verified": True, "oid": "object-1", "tid": "tenant-a"}
    first, answer = _sign_in(sso_app, "ahch@demo.test", claims=claims, sub="pairwise-for-app-1")
    assert answer.status_code == 302
    ahch = _user("ahch@demo.test")
    assert (ahch.sso_subject, ahch.sso_tenant) == ("object-1", "tenant-a")
    [linked] = _events("user.sso_linked")
    assert linked.after["tenant"] == "tenant-a" and linked.after["issuer"] == sso_app.config["SEFTON_OIDC_ISSUER"]
    # The same object in the same tenant, another `sub` and another address: the same person.
    again, answer = _sign_in(sso_app, "changed@nhs.example", sub="pairwise-for-app-2",
                             claims={"email": "changed@nhs.example", "oid": "object-1", "tid": "tenant-a"})
    assert answer.status_code == 302 and "ahch@demo.test" in _signed_in_as(again)
    # The same object id in another tenant is someone else: refused for the linked account.
    other, answer = _sign_in(sso_app, "ahch@demo.test", sub="pairwise-3",
                             claims={**claims, "tid": "tenant-c"})
    assert answer.status_code == 403 and "already linked" in answer.get_data(as_text=True)


@pytest.mark.parametrize("settings, claims, email", [
    ({"SEFTON_OIDC_ALLOWED_TENANTS": "tenant-a"}, {"tid": "tenant-b", "oid": "o-1"}, "ahch@demo.test"),
    ({}, {"tid": "a-tenant-not-in-the-issuer", "oid": "o-2"}, "ahch@demo.test"),  # unset: the issuer's own only
    ({"SEFTON_OIDC_ALLOWED_TENANTS": "tenant-a"}, {}, "ahch@demo.test"),  # a tenant list, a token without tid
    ({"SEFTON_OIDC_ALLOWED_DOMAINS": "nhs.net"}, {}, "ahch@demo.test"),  # the default: NHSmail addresses only
    ({}, {}, "someone@gmail.example"),
])
def test_a_tenant_or_domain_not_allowed_is_refused(sso_app, settings, claims, email):
    sso_app.config.update(settings)
    client, answer = _sign_in(sso_app, email, claims={"email": email, "email_verified": True, **claims},
                              sub="not-allowed")
    assert answer.status_code == 403 and "allowed organisations" in answer.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert not _events("user.sso_linked") and _user("ahch@demo.test").sso_subject is None


def test_a_link_made_before_issuers_were_recorded_is_kept_for_its_subject_only(sso_app):
    ahch = _user("ahch@demo.test")
    ahch.sso_subject = "legacy-sub"  # linked by `sub` alone, before migration 0007
    db.session.commit()
    intruder, answer = _sign_in(sso_app, "ahch@demo.test", sub="another-sub")
    assert answer.status_code == 403
    client, answer = _sign_in(sso_app, "ahch@demo.test", sub="legacy-sub")
    assert answer.status_code == 302
    assert _user("ahch@demo.test").sso_issuer == sso_app.config["SEFTON_OIDC_ISSUER"]


def test_the_office_unlinks_audited_and_the_nhsmail_sessions_end(sso_app):
    person, _ = _sign_in(sso_app, "ahch@demo.test", sub="ahch-subject")
    ahch = _user("ahch@demo.test")
    assert _signed_in_as(person)
    office = sso_app.test_client()
    Auth(office).login("admin@demo.test")
    page = office.get(f"/admin/people/{ahch.id}").get_data(as_text=True)
    assert "Unlink NHSmail" in page and "Linked on" in page
    assert office.post(f"/admin/people/{ahch.id}/unlink-nhsmail").status_code == 400  # no CSRF token
    assert _user("ahch@demo.test").sso_subject == "ahch-subject"
    answer = office.post(f"/admin/people/{ahch.id}/unlink-nhsmail", data={"csrf_token": csrf_from(page)})
    assert answer.status_code == 302
    ahch = _user("ahch@demo.test")
    assert ahch.sso_subject is None and ahch.sso_issuer is None and ahch.sso_linked_at is None
    [event] = _events("user.sso_unlinked")
    assert event.actor_id == _user("admin@demo.test").id and event.object_id == ahch.id
    assert event.before == {"issuer": sso_app.config["SEFTON_OIDC_ISSUER"], "tenant": None, "subject": "ahch-subject"}
    assert person.get("/").status_code == 302  # their NHSmail session has ended
    assert db.session.scalar(select(db.func.count(UserSession.id)).where(
        UserSession.user_id == ahch.id, UserSession.method == "sso", UserSession.ended_at.is_(None))) == 0
    assert "Not linked" in office.get(f"/admin/people/{ahch.id}").get_data(as_text=True)
    # Unlinked, the next verified sign-in links again (here another identity: what the office wanted).
    again, answer = _sign_in(sso_app, "ahch@demo.test", sub="ahch-new-subject")
    assert answer.status_code == 302 and _user("ahch@demo.test").sso_subject == "ahch-new-subject"


def test_only_the_office_unlinks_and_never_its_own(sso_app):
    _sign_in(sso_app, "admin@demo.test", sub="admin-subject")
    admin = _user("admin@demo.test")
    reviewer = sso_app.test_client()
    auth = Auth(reviewer)
    auth.login("reviewer@demo.test")
    token = auth.token("/")
    assert reviewer.post(f"/admin/people/{admin.id}/unlink-nhsmail", data={"csrf_token": token}).status_code == 403
    office = sso_app.test_client()
    auth = Auth(office)
    auth.login("admin@demo.test")
    assert office.post(f"/admin/people/{admin.id}/unlink-nhsmail",
                       data={"csrf_token": auth.token("/")}).status_code == 403
    assert _user("admin@demo.test").sso_subject == "admin-subject" and not _events("user.sso_unlinked")
