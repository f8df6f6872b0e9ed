"""A service a remediation action restarts, for the remediation end-to-end tests.

    restartable_service.py start PORT DELAY STATE_DIR

Records the start in STATE_DIR/starts (one line each), then detaches (a new session, so the
process group of the action that started it can be killed without it) and exits at once, as
`systemctl restart` returns before the service is up. The detached service waits DELAY seconds,
as a service slow to start does, then answers GET /health with 200 {"status": "healthy"} on
127.0.0.1:PORT, writing its pid to STATE_DIR/pid. The test kills it by that pid.
"""
import http.server
import json
import os
import sys
import time

_, command, port, delay, state = sys.argv
assert command == "start"
with open(os.path.join(state, "starts"), "a") as starts:
    starts.write(f"{time.time()} {os.environ.get('BLACKHOLE_SERVICE')} {os.environ.get('BLACKHOLE_REASON')}\n")
print("starting the service", flush=True)

if os.fork() > 0:
    sys.exit(0)
os.setsid()
devnull = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(devnull, fd)
# Whatever else it inherited (the pipes of whoever started the action) would keep them open.
os.closerange(3, os.sysconf("SC_OPEN_MAX"))
time.sleep(float(delay))


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"status": "healthy"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", int(port)), Health)
with open(os.path.join(state, "pid"), "w") as pid:
    pid.write(str(os.getpid()))
server.serve_forever()
