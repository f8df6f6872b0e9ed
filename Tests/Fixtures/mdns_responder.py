#!/usr/bin/env python3
"""An mDNS responder blackhole did not write (python-zeroconf), announcing one libp2p peer the way
libp2p's mDNS discovery does: a `_p2p._udp.local.` service whose TXT record holds
`dnsaddr=<multiaddr>`. Binds to 127.0.0.1 only: run it inside a network namespace whose
loopback carries multicast. Prints "ready" once registered, then serves until killed.

  mdns_responder.py MULTIADDR
"""
import socket
import sys
import time

from zeroconf import IPVersion, ServiceInfo, Zeroconf

address = sys.argv[1]
peer_id = address.rsplit("/p2p/", 1)[-1][:40]
port = int(address.split("/tcp/")[1].split("/")[0])
zeroconf = Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
info = ServiceInfo(
    "_p2p._udp.local.",
    f"{peer_id}._p2p._udp.local.",
    addresses=[socket.inet_aton("127.0.0.1")],
    port=port,
    properties={"dnsaddr": address},
    server=f"{peer_id[:20].lower()}.local.",
)
zeroconf.register_service(info)
print("ready", flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    zeroconf.unregister_service(info)
    zeroconf.close()
