"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1): what the app sends, the tests read.

Use the `smtp_server` fixture (import it into the test module); `smtp_server.url` goes into
SEFTON_SMTP_URL and `smtp_server.messages` holds the received e-mails (email.message.EmailMessage).
The `smtp` fixture does the same and points the app at it. Mail queued by a request is sent by a
background thread: wait for it with wait_for_mail(), never with a fixed sleep.
"""
import email
import email.policy
import re
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []
        self.envelopes = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self):
        return self.inbox.messages

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def text(message):
        return text_of(message)

    @staticmethod
    def html(message):
        return html_of(message)


def wait_for_mail(server, address, timeout=60):
    """The e-mails the server received for `address`, waiting (up to `timeout` s) until there is one."""
    deadline = time.monotonic() + timeout
    while not server.to(address):
        assert time.monotonic() < deadline, f"no e-mail for {address}"
        time.sleep(0.05)
    return server.to(address)


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message, path_part):
    """The first absolute link in the plain text part that contains `path_part`."""
    match = re.search(r"https?://\S*" + re.escape(path_part) + r"\S*", text_of(message))
    assert match, f"no link with {path_part!r} in the e-mail"
    return match.group(0)


@pytest.fixture
def smtp_server():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(app, smtp_server):
    """The server, with the app's SEFTON_SMTP_URL and SEFTON_MAIL_FROM pointed at it."""
    app.config["SEFTON_SMTP_URL"] = smtp_server.url
    app.config["SEFTON_MAIL_FROM"] = "tracker@sefton.test"
    return smtp_server
