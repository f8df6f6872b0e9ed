#!/usr/bin/env python3
"""A DNS server (dnslib) on 127.0.0.1:53, over UDP and TCP, answering TXT queries for
`_dnsaddr.NAME` with `dnsaddr=ADDRESS` records, the way /dnsaddr bootstrap names are
published, and A queries for the `--a HOST=IPV4` given; any other name is NXDOMAIN. Run it
inside a network namespace whose resolv.conf points at 127.0.0.1. Prints "ready", serves until
killed.

A UDP answer larger than the query allows (512 bytes, or the payload size of its EDNS0 OPT
record) is truncated to its header with TC set, as real servers do. `--log=FILE` appends a line
per query: its transport and the EDNS0 payload size it offered (0 without OPT).

  dns_server.py NAME ADDRESS... [--a=HOST=IPV4]... [--log=FILE]
"""
import sys
import time

from dnslib import QTYPE, RCODE, RR, TXT, A
from dnslib.server import BaseResolver, DNSHandler, DNSServer

name = sys.argv[1]
options = [argument for argument in sys.argv[2:] if argument.startswith("--")]
addresses = [argument for argument in sys.argv[2:] if not argument.startswith("--")]
hosts = dict(option[len("--a="):].split("=", 1) for option in options if option.startswith("--a="))
log = next((option[len("--log="):] for option in options if option.startswith("--log=")), None)


class Resolver(BaseResolver):
    def resolve(self, request, handler):
        offered = next((record.rclass for record in request.ar if record.rtype == QTYPE.OPT), 0)
        handler.udplen = max(512, offered)
        if log:
            with open(log, "a") as file:
                file.write(f"{handler.protocol} edns={offered}\n")
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


for tcp in (False, True):
    DNSServer(Resolver(), port=53, address="127.0.0.1", tcp=tcp, handler=DNSHandler).start_thread()
print("ready", flush=True)
while True:
    time.sleep(3600)
