"""Tests for the mail catcher: a real catcher process on free ports, real mail sent with smtplib.

Run with Debian's Python (it has aiosmtpd): /usr/bin/python3 mailhog/test_catcher.py
"""

import json
import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request
from datetime import datetime
from email.header import decode_header, make_header
from email.message import EmailMessage

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def plain_message(subject, sender="shop@example.com", to="alice@example.org", body="Hello"):
    message = EmailMessage()
    message["From"] = f"Shop <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


class CatcherTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.smtp_port, cls.http_port = free_port(), free_port()
        env = dict(os.environ, PYTHONPATH=HERE, PYTHONDONTWRITEBYTECODE="1")
        cls.process = subprocess.Popen(
            [sys.executable, "-m", "catcher", f"127.0.0.1:{cls.smtp_port}", f"127.0.0.1:{cls.http_port}"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 15
        while True:
            try:
                cls.get("/api/v2/messages")
                break
            except (urllib.error.URLError, ConnectionError):
                if cls.process.poll() is not None or time.monotonic() > deadline:
                    output = cls.process.communicate(timeout=5)[0] if cls.process.poll() is not None else ""
                    raise RuntimeError(f"the catcher did not start:\n{output}")
                time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        cls.process.send_signal(signal.SIGTERM)
        output = cls.process.communicate(timeout=10)[0]
        if cls.process.returncode != 0:
            raise AssertionError(f"the catcher exited with {cls.process.returncode} on SIGTERM:\n{output}")

    @classmethod
    def request(cls, method, path):
        request = urllib.request.Request(f"http://127.0.0.1:{cls.http_port}{path}", method=method)
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read()
            return response.status, response.headers, json.loads(body) if body else None

    @classmethod
    def get(cls, path):
        return cls.request("GET", path)[2]

    def setUp(self):
        self.request("DELETE", "/api/v1/messages")

    def send(self, message):
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=5) as smtp:
            smtp.send_message(message)

    def status_of(self, path):
        try:
            return self.request("GET", path)[0]
        except urllib.error.HTTPError as error:
            return error.code

    def test_plain_message_has_mailhogs_shape(self):
        self.send(plain_message("Plain", body="Line one\n.starts with a dot\n"))
        page = self.get("/api/v2/messages")
        self.assertEqual((page["total"], page["count"], page["start"]), (1, 1, 0))
        item = page["items"][0]
        self.assertEqual(list(item), ["ID", "From", "To", "Content", "Created", "MIME", "Raw"])
        self.assertTrue(item["ID"].endswith("@mailhog.example"))
        self.assertEqual(item["From"], {"Relays": None, "Mailbox": "shop", "Domain": "example.com", "Params": ""})
        self.assertEqual(item["To"], [{"Relays": None, "Mailbox": "alice", "Domain": "example.org", "Params": ""}])
        self.assertIsNone(item["MIME"])
        self.assertEqual(list(item["Content"]), ["Headers", "Body", "Size", "MIME"])
        headers = item["Content"]["Headers"]
        self.assertEqual(headers["Subject"], ["Plain"])
        self.assertEqual(headers["Return-Path"], ["<shop@example.com>"])
        self.assertEqual(headers["Message-ID"], [item["ID"]])
        self.assertRegex(headers["Received"][0], r"^from \S+ by mailhog\.example \(MailHog\)\r\n {10}id ")
        # Dot-unstuffed, and (as in MailHog) without the CRLF that precedes the final ".".
        self.assertEqual(item["Content"]["Body"], "Line one\r\n.starts with a dot")
        self.assertEqual(list(item["Raw"]), ["From", "To", "Data", "Helo"])
        self.assertEqual(item["Raw"]["From"], "shop@example.com")
        self.assertEqual(item["Raw"]["To"], ["alice@example.org"])
        self.assertTrue(item["Raw"]["Data"].endswith("\r\n\r\nLine one\r\n.starts with a dot"))
        self.assertEqual(item["Content"]["Size"], len(item["Raw"]["Data"].encode()))
        created = datetime.fromisoformat(item["Created"].replace("Z", "+00:00"))
        self.assertLess(abs(time.time() - created.timestamp()), 60)

    def test_multipart_alternative_with_utf8_subject(self):
        message = plain_message("Grüße — Bestellung #42 ✓", body="plain body")
        message.add_alternative("<p>html body</p>", subtype="html")
        self.send(message)
        item = self.get("/api/v2/messages")["items"][0]
        subject = str(make_header(decode_header(item["Content"]["Headers"]["Subject"][0])))
        self.assertEqual(subject, "Grüße — Bestellung #42 ✓")
        self.assertTrue(item["Content"]["Headers"]["Content-Type"][0].startswith("multipart/alternative;"))
        parts = item["MIME"]["Parts"]
        self.assertEqual([part["Headers"]["Content-Type"][0].split(";")[0] for part in parts],
                         ["text/plain", "text/html"])
        self.assertEqual(parts[0]["Body"], "plain body")
        self.assertEqual(parts[1]["Body"], "<p>html body</p>")
        self.assertEqual(list(parts[0]), ["Headers", "Body", "Size", "MIME"])

    def test_list_is_newest_first_and_pages(self):
        for number in range(1, 4):
            self.send(plain_message(f"Message {number}"))
        subjects = lambda page: [item["Content"]["Headers"]["Subject"][0] for item in page["items"]]  # noqa: E731
        first = self.get("/api/v2/messages?limit=2")
        self.assertEqual((first["total"], first["count"], first["start"]), (3, 2, 0))
        self.assertEqual(subjects(first), ["Message 3", "Message 2"])
        second = self.get("/api/v2/messages?start=2&limit=2")
        self.assertEqual((second["total"], second["count"], second["start"]), (3, 1, 2))
        self.assertEqual(subjects(second), ["Message 1"])
        self.assertEqual(len(self.get("/api/v1/messages")), 3)

    def test_search_by_from_to_and_content(self):
        self.send(plain_message("Order confirmed", sender="orders@shop.test", to="bob@example.org", body="Order 1001"))
        self.send(plain_message("Welcome", sender="accounts@shop.test", to="carol@example.org", body="Hi Carol"))
        search = lambda kind, query: self.get(f"/api/v2/search?kind={kind}&query={query}")  # noqa: E731
        self.assertEqual(search("from", "ORDERS@shop")["total"], 1)
        self.assertEqual(search("to", "carol@")["items"][0]["Content"]["Headers"]["Subject"], ["Welcome"])
        self.assertEqual(search("containing", "order%201001")["count"], 1)
        self.assertEqual(search("containing", "shop.test")["total"], 2)
        self.assertEqual(search("to", "nobody")["items"], [])
        self.assertEqual(self.status_of("/api/v2/search?kind=subject&query=x"), 400)
        self.assertEqual(self.status_of("/api/v2/search?kind=to"), 400)

    def test_get_and_delete_by_id_then_delete_all(self):
        self.send(plain_message("Keep"))
        self.send(plain_message("Drop"))
        drop = self.get("/api/v2/search?kind=containing&query=Drop")["items"][0]
        self.assertEqual(self.get(f"/api/v1/messages/{drop['ID']}")["ID"], drop["ID"])
        status, headers, _ = self.request("DELETE", f"/api/v1/messages/{drop['ID']}")
        self.assertEqual(status, 200)
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/api/v1/messages/{drop['ID']}") as response:
            self.assertEqual((response.status, response.read()), (200, b"null"))  # as MailHog does
        self.assertEqual(self.get("/api/v2/messages")["total"], 1)
        self.request("DELETE", "/api/v1/messages")
        self.assertEqual(self.get("/api/v2/messages"), {"total": 0, "count": 0, "start": 0, "items": []})

    def test_existing_message_id_is_kept(self):
        message = plain_message("With ID")
        message["Message-ID"] = "<order-42@shop.test>"
        self.send(message)
        headers = self.get("/api/v2/messages")["items"][0]["Content"]["Headers"]
        self.assertEqual(headers["Message-ID"], ["<order-42@shop.test>"])

    def test_concurrent_senders_lose_nothing(self):
        def send_five(sender):
            for number in range(5):
                self.send(plain_message(f"{sender}-{number}"))
        threads = [threading.Thread(target=send_five, args=(f"s{index}",)) for index in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(self.get("/api/v2/messages?limit=250")["count"], 20)


if __name__ == "__main__":
    unittest.main(verbosity=2)
