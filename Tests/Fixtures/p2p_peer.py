#!/usr/bin/env python3
"""Peers for blackhole's P2P tests, on 127.0.0.1 at a port the kernel picks.

  p2p_peer.py libp2p   a real py-libp2p host (multistream-select, /noise); prints its multiaddr
                       with /p2p/<peer id>
  p2p_peer.py garbage  a TCP server that answers with an HTTP error, not multistream-select
  p2p_peer.py silent   a TCP server that accepts and never says anything
Prints the address on the first line of stdout and serves until killed.
"""
import socket
import sys
import threading
import time


def plain_server(handler):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print(f"/ip4/127.0.0.1/tcp/{listener.getsockname()[1]}", flush=True)
    held = []
    while True:
        connection, _ = listener.accept()
        held.append(connection)
        threading.Thread(target=handler, args=(connection,), daemon=True).start()


def garbage(connection):
    connection.recv(1024)
    connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


def silent(connection):
    time.sleep(3600)


def libp2p_host():
    import multiaddr
    import trio
    from libp2p import new_host

    async def main():
        host = new_host()
        async with host.run(listen_addrs=[multiaddr.Multiaddr("/ip4/127.0.0.1/tcp/0")]):
            address = host.get_addrs()[0]
            text = str(address)
            if "/p2p/" not in text:
                text += f"/p2p/{host.get_id().to_string()}"
            print(text, flush=True)
            await trio.sleep_forever()

    trio.run(main)


mode = sys.argv[1] if len(sys.argv) > 1 else "libp2p"
if mode == "libp2p":
    libp2p_host()
else:
    plain_server({"garbage": garbage, "silent": silent}[mode])
