"""Thread-safe in-memory message store with MailHog's listing and search semantics
(mailhog/storage memory.go): newest first, windows of start/limit, case-insensitive search."""

import threading

SEARCH_KINDS = ("from", "to", "containing")


def _contains(text, query):
    return query in text.lower()


def _header_contains(message, name, query):
    return any(_contains(value, query) for value in message["Content"]["Headers"].get(name, []))


def _address(path):
    return path["Mailbox"] + "@" + path["Domain"]


def matches(message, kind, query):
    """MailHog's search: `to`/`from` look at the envelope and the To/From header, `containing`
    at the body and every header value. `query` must already be lower-case."""
    if kind == "to":
        return any(_contains(_address(to), query) for to in message["To"]) or _header_contains(message, "To", query)
    if kind == "from":
        return _contains(_address(message["From"]), query) or _header_contains(message, "From", query)
    if kind == "containing":
        content = message["Content"]
        return _contains(content["Body"], query) or any(
            _contains(value, query) for values in content["Headers"].values() for value in values
        )
    raise ValueError(f"unknown search kind: {kind}")


class MessageStore:
    """Messages in arrival order; every method takes the lock, so SMTP and HTTP threads can share it.
    Stored messages are never mutated, so callers may read what they get without the lock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._messages = []

    def add(self, message):
        with self._lock:
            self._messages.append(message)

    def count(self):
        with self._lock:
            return len(self._messages)

    def list(self, start, limit):
        """(window of the newest-first messages, total number of messages)."""
        with self._lock:
            newest_first = self._messages[::-1]
        return newest_first[start:start + limit], len(newest_first)

    def search(self, kind, query, start, limit):
        """(window of the newest-first matches, total number of matches)."""
        if kind not in SEARCH_KINDS:
            raise ValueError(f"unknown search kind: {kind}")
        query = query.lower()
        with self._lock:
            found = [message for message in reversed(self._messages) if matches(message, kind, query)]
        return found[start:start + limit], len(found)

    def get(self, message_id):
        with self._lock:
            return next((message for message in self._messages if message["ID"] == message_id), None)

    def delete(self, message_id):
        with self._lock:
            self._messages = [message for message in self._messages if message["ID"] != message_id]

    def delete_all(self):
        with self._lock:
            self._messages = []
