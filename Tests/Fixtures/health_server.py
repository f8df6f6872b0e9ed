#!/usr/bin/env python3
"""A service with a health endpoint of each kind, and a webhook receiver, for blackhole's tests.

Listens on 127.0.0.1 at a port picked by the kernel, prints the port on the first line of stdout,
and serves until killed:
  GET  /healthy /degraded /sick      200 with {"status": ...}
  GET  /garbage                      200 with a body that is not JSON
  GET  /unavailable                  503
  GET  /error                        500
  GET  /slow?seconds=N               answers after N seconds
  GET  /toggle                       whatever /mode set: healthy, error or slow
  POST /mode  body: healthy|error|slow
  POST /webhook                      records the JSON body; fails with 500 while /webhook-mode is "down"
  POST /webhook-mode body: up|down
  GET  /received                     {"received": [bodies...]}
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

state = {"mode": "healthy", "webhook": "up", "received": []}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        path = url.path
        if path == "/toggle":
            path = {"healthy": "/healthy", "error": "/error", "slow": "/slow"}[state["mode"]]
        if path == "/healthy":
            self.reply(200, '{"status": "healthy"}')
        elif path == "/degraded":
            self.reply(200, '{"status": "degraded", "checks": {"db": "slow"}}')
        elif path == "/sick":
            self.reply(200, '{"status": "failing"}')
        elif path == "/garbage":
            self.reply(200, "<html>ok</html>", "text/html")
        elif path == "/unavailable":
            self.reply(503, '{"status": "starting"}')
        elif path == "/error":
            self.reply(500, "boom", "text/plain")
        elif path == "/slow":
            seconds = float(parse_qs(url.query).get("seconds", ["5"])[0])
            time.sleep(seconds)
            self.reply(200, '{"status": "healthy"}')
        elif path == "/received":
            with lock:
                self.reply(200, json.dumps({"received": state["received"]}))
        else:
            self.reply(404, "not found", "text/plain")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path == "/mode":
            state["mode"] = body.decode().strip()
            self.reply(200, "{}")
        elif self.path == "/webhook-mode":
            state["webhook"] = body.decode().strip()
            self.reply(200, "{}")
        elif self.path == "/webhook":
            if state["webhook"] == "down":
                self.reply(500, "receiver down", "text/plain")
                return
            with lock:
                state["received"].append({"body": json.loads(body), "headers": dict(self.headers)})
            self.reply(200, "{}")
        else:
            self.reply(404, "not found", "text/plain")


class Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops the SYNs of a burst of concurrent probes,
    # which then wait a second for the retransmit.
    request_queue_size = 128


server = Server(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
