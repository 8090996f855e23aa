"""python3 -m catcher SMTP_HOST:PORT HTTP_HOST:PORT (with mailhog/ on PYTHONPATH).

Serves SMTP and MailHog's HTTP API until SIGTERM or SIGINT; messages are kept in memory.
With --tls-cert and --tls-key the SMTP port offers STARTTLS and --smtps adds a port that
speaks TLS from the first byte; --auth USER:PASSWORD accepts only that login (for tests).
"""

import argparse
import logging
import signal
import ssl
import sys

from .http_api import make_server, shutdown_soon
from .smtp_server import start_smtp
from .store import MessageStore


def host_port(text):
    host, separator, port = text.rpartition(":")
    if not separator or not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="catcher", description=__doc__.splitlines()[2])
    parser.add_argument("smtp", type=host_port, help="where SMTP listens, e.g. 127.0.0.1:1025")
    parser.add_argument("http", type=host_port, help="where the HTTP API listens, e.g. 127.0.0.1:8025")
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request")
    parser.add_argument("--tls-cert", help="PEM certificate chain: offer STARTTLS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--smtps", type=host_port, help="also serve SMTP over implicit TLS here")
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="accept only this login")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key) or (args.smtps and not args.tls_cert):
        parser.error("--tls-cert and --tls-key go together, and --smtps needs them")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter

    store = MessageStore()
    http_server = make_server(store, *args.http)
    tls_context = None
    if args.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)
    servers = [start_smtp(store, *args.smtp, tls_context=tls_context, credentials=args.auth)]
    if args.smtps:
        servers.append(start_smtp(store, *args.smtps, tls_context=tls_context, implicit_tls=True, credentials=args.auth))
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: shutdown_soon(http_server))
    logging.getLogger("catcher").info("SMTP on %s:%d, HTTP on http://%s:%d", *args.smtp, *args.http)
    try:
        http_server.serve_forever()
    finally:
        for smtp in servers:
            smtp.stop()
        http_server.server_close()
        logging.getLogger("catcher").info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
