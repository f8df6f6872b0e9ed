#!/usr/bin/env python3
"""A DNS server (dnslib) on 127.0.0.1:53 answering TXT queries for `_dnsaddr.NAME` with
`dnsaddr=ADDRESS` records, the way /dnsaddr bootstrap names are published, and A queries for
the `--a HOST=IPV4` given; any other name is NXDOMAIN. Run it inside a network namespace whose
resolv.conf points at 127.0.0.1. Prints "ready", serves until killed.

  dns_server.py NAME ADDRESS... [--a HOST=IPV4]...
"""
import sys
import time

from dnslib import QTYPE, RCODE, RR, TXT, A
from dnslib.server import BaseResolver, DNSServer

name = sys.argv[1]
addresses = [argument for argument in sys.argv[2:] if not argument.startswith("--a=")]
hosts = dict(argument[len("--a="):].split("=", 1) for argument in sys.argv[2:] if argument.startswith("--a="))


class Resolver(BaseResolver):
    def resolve(self, request, handler):
        reply = request.reply()
        question = request.q
        asked = str(question.qname).rstrip(".")
        if asked == f"_dnsaddr.{name}":
            if question.qtype == QTYPE.TXT:
                for address in addresses:
                    reply.add_answer(RR(question.qname, QTYPE.TXT, rdata=TXT(f"dnsaddr={address}"), ttl=60))
        elif asked in hosts:
            if question.qtype == QTYPE.A:
                reply.add_answer(RR(question.qname, QTYPE.A, rdata=A(hosts[asked]), ttl=60))
        else:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


server = DNSServer(Resolver(), port=53, address="127.0.0.1")
server.start_thread()
print("ready", flush=True)
while True:
    time.sleep(3600)
