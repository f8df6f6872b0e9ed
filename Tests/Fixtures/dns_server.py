#!/usr/bin/env python3
"""A DNS server (dnslib) on 127.0.0.1:53 answering TXT queries for `_dnsaddr.NAME` with
`dnsaddr=ADDRESS` records, the way /dnsaddr bootstrap names are published. Run it inside a
network namespace whose resolv.conf points at 127.0.0.1. Prints "ready", serves until killed.

  dns_server.py NAME ADDRESS...
"""
import sys
import time

from dnslib import QTYPE, RR, TXT
from dnslib.server import BaseResolver, DNSServer

name = sys.argv[1]
addresses = sys.argv[2:]


class Resolver(BaseResolver):
    def resolve(self, request, handler):
        reply = request.reply()
        question = request.q
        if question.qtype == QTYPE.TXT and str(question.qname).rstrip(".") == f"_dnsaddr.{name}":
            for address in addresses:
                reply.add_answer(RR(question.qname, QTYPE.TXT, rdata=TXT(f"dnsaddr={address}"), ttl=60))
        return reply


server = DNSServer(Resolver(), port=53, address="127.0.0.1")
server.start_thread()
print("ready", flush=True)
while True:
    time.sleep(3600)
