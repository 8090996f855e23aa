"""The SMTP side: aiosmtpd (Debian's python3-aiosmtpd) in its own thread, storing every message."""

import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult

from .message import DEFAULT_HOSTNAME, parse_message

log = logging.getLogger("catcher.smtp")


class _LenientSMTP(SMTP):
    # MailHog accepts lines of any length; RFC 5321's 1000-octet limit would refuse mail that
    # MailHog takes, so allow long lines (up to 1 MiB) as well.
    line_length_limit = 1 << 20


def _accept_any_login(server, session, envelope, mechanism, auth_data):
    """MailHog accepts every AUTH attempt; so does the catcher unless given credentials."""
    return AuthResult(success=True)


def _accept_only(credentials):
    """An authenticator accepting exactly one user name and password (for tests of AUTH)."""
    user, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        login = getattr(auth_data, "login", b"") or b""
        secret = getattr(auth_data, "password", b"") or b""
        accepted = (login.decode("utf-8", "replace"), secret.decode("utf-8", "replace")) == (user, password)
        # handled=False: aiosmtpd answers 535 itself (with handled=True it would answer nothing).
        return AuthResult(success=accepted, handled=False)

    return authenticate


class _StoreHandler:
    def __init__(self, store, hostname):
        self._store = store
        self._hostname = hostname

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        if raw.endswith(b"\r\n"):
            raw = raw[:-2]  # MailHog's Data ends before the CRLF that precedes the final "."
        data = raw.decode("utf-8", "surrogateescape")
        message = parse_message(envelope.mail_from or "", list(envelope.rcpt_tos), data,
                                session.host_name or "", self._hostname)
        self._store.add(message)
        log.info("stored message %s from <%s> to %s (%d bytes)", message["ID"], envelope.mail_from,
                 ", ".join(f"<{to}>" for to in envelope.rcpt_tos), message["Content"]["Size"])
        return "250 Ok: queued as " + message["ID"]


class _Controller(Controller):
    def factory(self):
        return _LenientSMTP(self.handler, **self.SMTP_kwargs)


def start_smtp(store, host, port, hostname=DEFAULT_HOSTNAME, tls_context=None, implicit_tls=False, credentials=None):
    """Starts the SMTP server on host:port in a background thread; returns it (call .stop()).

    With tls_context it offers STARTTLS, or, with implicit_tls, speaks TLS from the first byte
    (smtps). With credentials ("user:password") AUTH accepts only those.
    """
    tls_options = {}
    if tls_context is not None:
        tls_options = {"ssl_context": tls_context} if implicit_tls else {"tls_context": tls_context}
    controller = _Controller(
        _StoreHandler(store, hostname),
        hostname=host,
        port=port,
        server_hostname=hostname,
        ident="ESMTP MailHog",
        enable_SMTPUTF8=True,
        data_size_limit=None,
        authenticator=_accept_only(credentials) if credentials else _accept_any_login,
        auth_require_tls=False,
        **tls_options,
    )
    controller.start()
    return controller
