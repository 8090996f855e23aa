"""Turns one SMTP transaction into a message in MailHog's JSON shape (mailhog/data message.go).

The parsing is deliberately as simple as MailHog's: headers are split on ": ", one value is kept
per header name, bodies are kept exactly as received (not decoded), and multipart bodies are
split on their boundary into `MIME.Parts`, recursively.
"""

import base64
import os
from datetime import datetime
from email.message import Message as _HeaderParser
from email.utils import format_datetime

# MailHog's default hostname: it appears in message IDs and in the Received header it adds.
DEFAULT_HOSTNAME = "mailhog.example"


def new_message_id(hostname):
    """A MailHog-style ID: 32 random bytes, URL-safe base64, then "@hostname"."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii") + "@" + hostname


def rfc3339_now():
    """The current local time as Go's time.Time marshals to JSON (RFC 3339, trimmed fraction)."""
    now = datetime.now().astimezone()
    text = now.strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{now.microsecond:06d}".rstrip("0")
    if fraction:
        text += "." + fraction
    offset = now.strftime("%z")
    return text + ("Z" if offset in ("+0000", "-0000") else f"{offset[:3]}:{offset[3:]}")


def path_from_string(path):
    """Splits a forward- or reverse-path ("[relays:]mailbox@domain") like MailHog's PathFromString."""
    relays = None
    email = path
    if ":" in path:
        relay_list, email = path.split(":", 1)
        relays = relay_list.split(",")
    mailbox, _, domain = email.partition("@")
    return {"Relays": relays, "Mailbox": mailbox, "Domain": domain, "Params": ""}


def content_from_string(data):
    """Splits message data into headers and body like MailHog's ContentFromString."""
    size = len(data.encode("utf-8", "surrogateescape"))
    head, separator, body = data.partition("\r\n\r\n")
    headers = {}
    if not separator:
        return {"Headers": headers, "Body": head, "Size": size, "MIME": None}
    last = ""
    for line in head.split("\r\n"):
        if last and line.startswith((" ", "\t")):
            headers[last][-1] += line
        elif ": " in line:
            key, value = line.split(": ", 1)
            headers[key] = [value]
            last = key
    return {"Headers": headers, "Body": body, "Size": size, "MIME": None}


def is_multipart(content):
    """True when the Content-Type header (exact name, as in MailHog) is multipart/*."""
    values = content["Headers"].get("Content-Type")
    return bool(values) and values[0].startswith("multipart/")


def _boundary(content_type):
    parser = _HeaderParser()
    parser["Content-Type"] = content_type
    boundary = parser.get_param("boundary")
    return boundary if isinstance(boundary, str) else ""


def parse_mime_body(content):
    """Splits a multipart body into its parts like MailHog's ParseMIMEBody: {"Parts": [...]}."""
    boundary = _boundary(content["Headers"]["Content-Type"][0])
    pieces = content["Body"].split("--" + boundary)[1:-1] if boundary else []
    parts = []
    for piece in pieces:
        if not piece:
            continue
        part = content_from_string(piece.strip("\r\n"))
        if is_multipart(part):
            part["MIME"] = parse_mime_body(part)
        parts.append(part)
    return {"Parts": parts}


def _add_header(headers, name, value):
    """Appends to a header whatever its case, or creates it under `name` (as MailHog does)."""
    for key in headers:
        if key.lower() == name.lower():
            headers[key].append(value)
            return
    headers[name] = [value]


def parse_message(mail_from, rcpt_tos, data, helo, hostname=DEFAULT_HOSTNAME):
    """One received message in MailHog's JSON shape.

    mail_from and rcpt_tos are the envelope addresses, data the message text as received (after
    dot-unstuffing, without the final CRLF), helo what the client said in HELO/EHLO.
    """
    message_id = new_message_id(hostname)
    content = content_from_string(data)
    message = {
        "ID": message_id,
        "From": path_from_string(mail_from),
        "To": [path_from_string(to) for to in rcpt_tos],
        "Content": content,
        "Created": rfc3339_now(),
        "MIME": parse_mime_body(content) if is_multipart(content) else None,
        "Raw": {"From": mail_from, "To": list(rcpt_tos), "Data": data, "Helo": helo},
    }
    headers = content["Headers"]
    if not any(key.lower() == "message-id" for key in headers):
        headers["Message-ID"] = [message_id]
    received_at = format_datetime(datetime.now().astimezone())
    _add_header(headers, "Received", f"from {helo} by {hostname} (MailHog)\r\n          id {message_id}; {received_at}")
    _add_header(headers, "Return-Path", f"<{mail_from}>")
    # Go marshals maps with sorted keys.
    content["Headers"] = dict(sorted(headers.items()))
    return message
