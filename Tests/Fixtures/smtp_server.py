#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for blackhole's tests of the email channel.

Listens on 127.0.0.1 at a port picked by the kernel, prints the port on the first line of stdout,
and serves until killed. Appends what it sees to RECORD, one JSON object a line:
  {"event": "auth", "mechanism": "PLAIN", "login": "...", "tls": true, "ok": true}   (never the password)
  {"event": "message", "mail_from": "...", "rcpt_tos": [...], "mail_options": [...],
   "tls": true, "login": "..." or null, "data": "the message as received, dot-stuffing undone"}

  smtp_server.py RECORD [--starttls CERT KEY | --implicit CERT KEY] [--auth USER:PASSWORD]
                        [--only-login] [--no-8bitmime]

--starttls offers STARTTLS and AUTH only over TLS; --implicit speaks TLS from the first byte;
--auth requires AUTH before MAIL (offered in plain text when the server has no TLS, so a test can
see that blackhole does not send a password there); --only-login offers AUTH LOGIN but not
PLAIN; --no-8bitmime leaves 8BITMIME out of EHLO.
"""
import argparse
import asyncio
import json
import logging
import ssl

from aiosmtpd.smtp import SMTP, AuthResult

parser = argparse.ArgumentParser()
parser.add_argument("record")
parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
parser.add_argument("--implicit", nargs=2, metavar=("CERT", "KEY"))
parser.add_argument("--auth")
parser.add_argument("--only-login", action="store_true")
parser.add_argument("--no-8bitmime", action="store_true")
args = parser.parse_args()
logging.getLogger("mail.log").setLevel(logging.CRITICAL)


def record(entry):
    with open(args.record, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")


def tls_context(cert_and_key):
    if not cert_and_key:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*cert_and_key)
    return context


def over_tls(server, session):
    return session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None


def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = args.auth.split(":", 1)
    login = auth_data.login.decode()
    ok = login == user and auth_data.password.decode() == password
    record({"event": "auth", "mechanism": mechanism, "login": login, "tls": over_tls(server, session), "ok": ok})
    return AuthResult(success=ok, auth_data=auth_data)


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [line for line in responses if not (args.no_8bitmime and line.endswith("8BITMIME"))]

    async def handle_DATA(self, server, session, envelope):
        record({
            "event": "message", "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options, "tls": over_tls(server, session),
            "login": session.auth_data.login.decode() if session.authenticated else None,
            "data": envelope.original_content.decode("utf-8", errors="replace"),
        })
        return "250 2.0.0 OK queued"


async def main():
    loop = asyncio.get_running_loop()
    handler = Handler()

    def session():
        return SMTP(
            handler, hostname="smtp.test", loop=loop,
            tls_context=tls_context(args.starttls),
            # Over STARTTLS, AUTH waits for TLS; with implicit TLS or none it is offered at once.
            auth_require_tls=bool(args.starttls),
            auth_required=bool(args.auth),
            authenticator=authenticator if args.auth else None,
            auth_exclude_mechanism=["PLAIN"] if args.only_login else None,
        )

    server = await loop.create_server(session, "127.0.0.1", 0, ssl=tls_context(args.implicit))
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


asyncio.run(main())
