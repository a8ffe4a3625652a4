"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1): what the app sends, the tests read.

Use the `smtp_server` fixture (import it into the test module); `smtp_server.url` goes into
SEFTON_SMTP_URL and `smtp_server.messages` holds the received e-mails (email.message.EmailMessage).
"""
import email
import email.policy
import re
import socket
import threading

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
