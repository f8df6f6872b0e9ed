#!/usr/bin/env python3
"""A service with a health endpoint of each kind, and a webhook receiver, for blackhole's tests.

Listens on 127.0.0.1 at a port picked by the kernel, prints the port on the first line of stdout,
and serves until killed:
  GET  /healthy /degraded /sick      200 with {"status": ...}
  GET  /garbage                      200 with a body that is not JSON
  GET  /unavailable                  503
  GET  /error                        500
  GET  /slow?seconds=N               answers after N seconds
  GET  /chunked                      200 {"status": "degraded"} in chunks
  GET  /until-close                  200 {"status": "failing"}, its end the end of the connection
  GET  /huge                         200 {"status": "failing", ...} of more than 64 KiB
  GET  /hang-up                      closes the connection without an answer
  GET  /echo-request                 200 healthy, with the request's path and headers
  GET  /toggle                       whatever /mode set: healthy, error or slow
  POST /mode  body: healthy|error|slow
  POST /webhook                      records the JSON body; fails with 500 while /webhook-mode is "down"
  POST /webhook-mode body: up|down
  POST /slack                        a Slack incoming webhook: checks the message's shape as Slack
                                     does (400 invalid_payload), records it, answers 200 "ok"
  POST /v2/enqueue                   PagerDuty's Events API v2: checks the event as PagerDuty does
                                     (400 with its message and errors), records it, answers 202;
                                     429 while /pagerduty-mode is "throttle"
  POST /pagerduty-mode body: up|throttle
  GET  /received                     {"received": [{"path": ..., "body": ..., "headers": ...}...]}
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

state = {"mode": "healthy", "webhook": "up", "pagerduty": "up", "received": []}
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
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b'{"status": ', b'"degraded"}'):
                self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/until-close":
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"status\": \"failing\"}")
            self.close_connection = True
        elif path == "/huge":
            self.reply(200, '{"status": "failing", "pad": "' + "x" * 70000 + '"}')
        elif path == "/hang-up":
            self.close_connection = True
        elif path == "/echo-request":
            self.reply(200, json.dumps({"status": "healthy", "path": self.path, "headers": dict(self.headers)}))
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
            self.record(body)
            self.reply(200, "{}")
        elif self.path == "/pagerduty-mode":
            state["pagerduty"] = body.decode().strip()
            self.reply(200, "{}")
        elif self.path == "/slack":
            problems = slack_problems(body, self.headers)
            if problems:
                self.reply(400, "invalid_payload", "text/plain")
                return
            self.record(body)
            self.reply(200, "ok", "text/plain")
        elif self.path == "/v2/enqueue":
            if state["pagerduty"] == "throttle":
                self.reply(429, '{"status": "throttle event", "message": "Requests for this service are arriving too quickly."}')
                return
            problems = pagerduty_problems(body)
            if problems:
                self.reply(400, json.dumps({"status": "invalid event", "message": "Event object is invalid", "errors": problems}))
                return
            event = self.record(body)
            self.reply(202, json.dumps({"status": "success", "message": "Event processed", "dedup_key": event["dedup_key"]}))
        else:
            self.reply(404, "not found", "text/plain")


    def record(self, body):
        parsed = json.loads(body)
        with lock:
            state["received"].append({"path": self.path, "body": parsed, "headers": dict(self.headers)})
        return parsed


def slack_problems(body, headers):
    """What Slack would refuse in an incoming-webhook message (Block Kit's limits)."""
    if not headers.get("Content-Type", "").startswith("application/json"):
        return ["not JSON"]
    try:
        message = json.loads(body)
    except ValueError:
        return ["not JSON"]
    problems = []
    if not isinstance(message.get("text"), str) or not message["text"]:
        problems.append("no text")
    blocks = message.get("blocks", [])
    if not isinstance(blocks, list) or len(blocks) > 50:
        return problems + ["blocks"]
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            text = block.get("text", {})
            if text.get("type") != "plain_text" or not 0 < len(text.get("text", "")) <= 150:
                problems.append("header")
        elif kind == "section":
            fields = block.get("fields", [])
            text = block.get("text", {})
            if len(fields) > 10 or any(f.get("type") not in ("mrkdwn", "plain_text") or not 0 < len(f.get("text", "")) <= 2000
                                       for f in fields):
                problems.append("section fields")
            if text and (text.get("type") not in ("mrkdwn", "plain_text") or not 0 < len(text.get("text", "")) <= 3000):
                problems.append("section text")
        elif kind == "context":
            elements = block.get("elements", [])
            if not 0 < len(elements) <= 10:
                problems.append("context")
        else:
            problems.append("block type %r" % kind)
    return problems


def pagerduty_problems(body):
    """What PagerDuty's Events API v2 would refuse, in its words."""
    try:
        event = json.loads(body)
    except ValueError:
        return ["Malformed JSON"]
    problems = []
    if not isinstance(event.get("routing_key"), str) or len(event["routing_key"]) != 32:
        problems.append("Length of 'routing_key' is incorrect (should be 32 characters)")
    action = event.get("event_action")
    if action not in ("trigger", "acknowledge", "resolve"):
        problems.append("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')")
    dedup_key = event.get("dedup_key")
    if dedup_key is not None and (not isinstance(dedup_key, str) or not 0 < len(dedup_key) <= 255):
        problems.append("'dedup_key' is invalid")
    if action in ("acknowledge", "resolve") and dedup_key is None:
        problems.append("'dedup_key' is missing")
    if action == "trigger":
        payload = event.get("payload")
        if not isinstance(payload, dict):
            return problems + ["'payload' is missing or blank"]
        for key in ("summary", "source", "severity"):
            if not isinstance(payload.get(key), str) or not payload[key]:
                problems.append("'payload.%s' is missing or blank" % key)
        if len(payload.get("summary", "")) > 1024:
            problems.append("'payload.summary' is too long")
        if payload.get("severity") not in ("critical", "error", "warning", "info"):
            problems.append("'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')")
        if "custom_details" in payload and not isinstance(payload["custom_details"], dict):
            problems.append("'payload.custom_details' is invalid")
    return problems


class Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops the SYNs of a burst of concurrent probes,
    # which then wait a second for the retransmit.
    request_queue_size = 128


server = Server(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
