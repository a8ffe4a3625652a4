"""E-mail: written to the outbox in the caller's transaction, sent over real SMTP after commit,
kept and retried when the mail server is down, never sent twice."""
import datetime as dt
import threading

import pytest
from sqlalchemy import select

from mailserver import MailServer, free_port, html_of, smtp_server, text_of, wait_for_mail  # noqa: F401  (fixture)
from sefton.notifications import mail
from sefton.extensions import db
from sefton.models import OutboxMessage, User


def _user(email="ahch@demo.test"):
    return db.session.scalar(select(User).where(User.email == email))


def _queue_one(dedupe_key=None):
    user = _user()
    message = mail.queue(user.email, "Your password was changed", "password_changed",
                         {"user": user, "when": "on 1 April 2019, 9:00am"}, "test", user=user, dedupe_key=dedupe_key)
    return message


def test_queue_writes_text_and_html_with_absolute_links_in_the_callers_transaction(app):
    with app.test_request_context():
        _queue_one()
        db.session.rollback()  # the caller's change failed: no mail either
        assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 0
        message = _queue_one()
        db.session.commit()
    assert message.to_addr == "ahch@demo.test" and message.sent_at is None and message.attempts == 0
    assert "http://127.0.0.1:5000/account" in message.body_text
    assert 'href="http://127.0.0.1:5000/account"' in message.body_html
    assert "#005eb8" in message.body_html  # the NHS blue header bar


def test_dedupe_key_queues_once(app):
    with app.test_request_context():
        assert _queue_one("k1") is not None
        db.session.commit()
        assert _queue_one("k1") is None
        db.session.commit()
    assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 1


def test_without_smtp_messages_stay_in_the_outbox(app):
    with app.test_request_context():
        _queue_one()
        db.session.commit()
        assert mail.send_pending() == (0, 0)
    assert db.session.scalars(select(OutboxMessage)).one().sent_at is None


def test_send_pending_delivers_over_smtp(app, smtp_server):
    app.config["SEFTON_SMTP_URL"] = smtp_server.url
    app.config["SEFTON_MAIL_FROM"] = "tracker@sefton.example"
    with app.test_request_context():
        _queue_one()
        db.session.commit()
    assert mail.send_pending() == (1, 0)
    [received] = smtp_server.messages
    assert received["To"] == "ahch@demo.test" and received["From"] == "tracker@sefton.example"
    assert received["Subject"] == "Your password was changed"
    assert "http://127.0.0.1:5000/account" in text_of(received)
    assert "<table" in html_of(received)
    assert db.session.scalars(select(OutboxMessage)).one().sent_at is not None
    assert mail.send_pending() == (0, 0)  # nothing is sent twice
    assert len(smtp_server.messages) == 1


def test_smtp_down_keeps_the_message_and_the_next_send_mail_sends_it_exactly_once(app, runner):
    port = free_port()
    app.config["SEFTON_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    with app.test_request_context():
        _queue_one()
        db.session.commit()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "Sent 0, failed 1" in result.output
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.sent_at is None and message.attempts == 1
    assert message.last_error and "password" not in message.last_error.lower()
    assert message.send_after > mail.now() + dt.timedelta(seconds=30)
    assert "Sent 0, failed 0" in runner.invoke(args=["send-mail"]).output  # backing off: not due yet

    server = MailServer(port).start()
    try:
        message.send_after = mail.now() - dt.timedelta(seconds=1)
        db.session.commit()
        assert "Sent 1, failed 0" in runner.invoke(args=["send-mail"]).output
        assert "Sent 0, failed 0" in runner.invoke(args=["send-mail"]).output
        assert len(server.to("ahch@demo.test")) == 1
    finally:
        server.stop()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.sent_at is not None and message.attempts == 2 and message.last_error is None


def test_a_claimed_message_is_not_taken_by_another_worker(app):
    with app.test_request_context():
        _queue_one()
        db.session.commit()
    first = mail._claim()
    assert first is not None
    assert mail._claim() is None  # another worker finds nothing due while the first one sends


@pytest.mark.parametrize("attempts, minutes", [(1, 1), (2, 2), (3, 4), (4, 8), (9, 256), (10, 360), (50, 360)])
def test_backoff_doubles_up_to_six_hours(attempts, minutes):
    assert mail.backoff(attempts) == dt.timedelta(minutes=minutes)


def test_send_mail_without_smtp_says_so(runner):
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code != 0 and "SEFTON_SMTP_URL" in result.output


def test_mail_queued_by_a_request_is_sent_in_the_background_after_the_view(app, client, auth, smtp_server):
    app.config["SEFTON_SMTP_URL"] = smtp_server.url
    auth.login("admin@demo.test")
    token = auth.token("/admin/people/invite")
    ahch = _user("ahch@demo.test")
    response = client.post(f"/admin/people/{ahch.id}/reset-password", data={"csrf_token": token})
    assert response.status_code == 302
    assert len(wait_for_mail(smtp_server, "ahch@demo.test")) == 1  # no send-mail run needed
    for thread in threading.enumerate():
        if thread.name == "sefton-mail":
            thread.join(timeout=30)  # the sender records the send after the SMTP server has it
    db.session.expire_all()
    assert db.session.scalars(select(OutboxMessage)).one().sent_at is not None


def test_outbox_page_lists_messages_and_in_the_demo_their_links(app, client, auth):
    with app.test_request_context():
        _queue_one()
        db.session.commit()
    auth.login("admin@demo.test")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Your password was changed" in page and "ahch@demo.test" in page and "Waiting to be sent" in page
    assert '<a href="http://127.0.0.1:5000/account">' in page
    app.config["SEFTON_DEMO"] = False
    assert "http://127.0.0.1:5000/account" not in client.get("/admin/outbox").get_data(as_text=True)


def test_outbox_page_is_for_admins_only(client, auth):
    auth.login("reviewer@demo.test")
    assert client.get("/admin/outbox").status_code == 403
