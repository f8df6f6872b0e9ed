#!/usr/bin/env python3
"""A real-browser check of `blackhole telemetry serve`'s dashboard, for blackhole's tests.

    python3 dashboard_check.py URL SCREENSHOT.png [--expect-service NAME] [--timeout 30]

Starts headless Chromium (Debian's `chromium`; $CHROMIUM overrides) with a throwaway profile and
drives it over the DevTools protocol, with nothing but the standard library (a minimal RFC 6455
WebSocket client is below). It opens URL and waits until `#connection` reads `live` and, with
--expect-service, that service's card (article.service[data-service=NAME]) is shown; then it
prints `ready` on stdout. From then on it polls the page every 200 ms until an alert row
(li.alert[data-state="firing"]) appears whose id was not shown at `ready` and which the page
received as an `alert` event on its telemetry/stream WebSocket; then it saves a PNG screenshot of
the 1400x1000 window and prints one JSON line:

    {"connection": "live",
     "services": [{"name": ..., "status": ...}, ...],
     "alerts": [{"id": ..., "rule": ..., "state": ..., "text": ...}, ...],
     "alert_arrived_after_ready_ms": N,        # from `ready` to the poll that saw the new row
     "new_alerts": [ids],                      # the firing rows that were not there at `ready`
     "stream_events": {"health_update": n, "alert": n, ...},   # counted since the page loaded
     "page_errors": [...]}                     # uncaught exceptions and console.error messages

Exit 0 then. On a timeout or any failure: one line on stderr saying why, a screenshot if the
browser still answers, exit 1. --timeout bounds each of the two waits (for `ready`, then for the
alert) separately. Chromium's whole process group is killed and its profile removed on every way
out, SIGTERM and SIGINT included.
"""
import argparse
import base64
import hashlib
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

POLL_SECONDS = 0.2
WINDOW = (1400, 1000)


class CheckFailed(Exception):
    """A reason the check did not pass, printed as the one line on stderr."""


class ProtocolError(CheckFailed):
    """DevTools answered a command with an error, e.g. while the page was navigating."""


class Terminated(BaseException):
    """SIGTERM or SIGINT: unwinds through the `finally` blocks that clean up."""


# ---- A minimal WebSocket client (RFC 6455): text frames out, masked; frames in, unmasked -------


class WebSocket:
    def __init__(self, host, port, path, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise CheckFailed("DevTools closed the connection during the WebSocket handshake")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = lines[0].split(" ", 2)
        if len(status) < 2 or status[1] != "101":
            raise CheckFailed(f"DevTools refused the WebSocket handshake: {lines[0]}")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        expected = base64.b64encode(
            hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            raise CheckFailed("DevTools answered the WebSocket handshake with a wrong Sec-WebSocket-Accept")
        self.sock.settimeout(None)

    def send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + _xor(payload, mask))

    def send_text(self, text):
        self.send_frame(0x1, text.encode())

    def _read(self, count, deadline):
        while len(self.buffer) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.sock], [], [], remaining)
            if not ready:
                raise TimeoutError
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise CheckFailed("the browser closed the DevTools connection (did Chromium exit?)")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def receive(self, deadline):
        """The next whole text or binary message, its fragments joined; answers pings.
        TimeoutError once `deadline` (time.monotonic()) passes."""
        message = b""
        fragmented = False
        while True:
            first, second = self._read(2, deadline)
            fin, opcode = first & 0x80, first & 0x0F
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._read(2, deadline))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._read(8, deadline))[0]
            mask = self._read(4, deadline) if second & 0x80 else None
            payload = self._read(length, deadline)
            if mask:
                payload = _xor(payload, mask)
            if opcode == 0x9:                      # ping: answer, keep reading
                self.send_frame(0xA, payload)
            elif opcode == 0xA:                    # pong: nothing to do
                pass
            elif opcode == 0x8:                    # close
                raise CheckFailed("the browser closed the DevTools WebSocket")
            elif opcode in (0x1, 0x2) or (opcode == 0x0 and fragmented):
                message += payload
                fragmented = not fin
                if fin:
                    return message.decode("utf-8", "replace")
            else:
                raise CheckFailed(f"unexpected WebSocket frame (opcode {opcode}) from DevTools")

    def close(self):
        try:
            self.send_frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


def _xor(data, mask):
    if not data:
        return b""
    repeated = (mask * (len(data) // 4 + 1))[: len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(data), "big")


# ---- The DevTools protocol over that WebSocket, one page session (flat mode) ---------------------


class DevTools:
    def __init__(self, websocket):
        self.ws = websocket
        self.next_id = 0
        self.session = None
        self.page_errors = []
        self.gone = None        # why the page's session ended, once it has

    def call(self, method, params=None, timeout=15, session=True):
        self.next_id += 1
        ident = self.next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        self.ws.send_text(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer = json.loads(self.ws.receive(deadline))
            except TimeoutError:
                raise CheckFailed(f"DevTools did not answer {method} within {timeout} s") from None
            if answer.get("id") == ident:
                if "error" in answer:
                    raise ProtocolError(f"DevTools {method} failed: {answer['error'].get('message', answer['error'])}")
                return answer.get("result", {})
            self.on_event(answer)

    def on_event(self, event):
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text", "exception")
            self.page_errors.append(text.splitlines()[0] if text else "exception")
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            args = params.get("args", [])
            self.page_errors.append(" ".join(str(arg.get("value", arg.get("description", ""))) for arg in args))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.page_errors.append(f"{entry.get('text', '')} {entry.get('url', '')}".strip())
        elif method == "Inspector.targetCrashed":
            self.gone = "the page's renderer crashed"
        elif method == "Target.detachedFromTarget" and params.get("sessionId") == self.session:
            self.gone = "the page's DevTools session went away"
        del self.page_errors[:-50]

    def attach(self):
        """Attaches to the browser's page (a new one if there is none); later calls go to it."""
        self.session = None
        self.gone = None
        pages = [t for t in self.call("Target.getTargets")["targetInfos"] if t.get("type") == "page"]
        if pages:
            target = pages[0]["targetId"]
        else:
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def evaluate(self, expression):
        if self.gone:
            raise CheckFailed(self.gone)
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise ProtocolError(f"evaluating in the page failed: {details.get('exception', {}).get('description', details.get('text'))}")
        return result.get("result", {}).get("value")


# Counts the page's WebSocket traffic without changing it: runs before the dashboard's script.
STREAM_HOOK = r"""
(() => {
  const log = { opened: 0, events: {}, alerts: [], seq: 0 };
  Object.defineProperty(window, "__dashboardCheck", { value: log });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("open", () => { log.opened += 1; });
      this.addEventListener("message", (message) => {
        let event;
        try { event = JSON.parse(message.data); } catch { return; }
        log.events[event.type] = (log.events[event.type] ?? 0) + 1;
        if (event.type === "alert" && event.data) {
          log.alerts.push({ seq: ++log.seq, id: String(event.data.id), state: event.data.state });
          if (log.alerts.length > 200) log.alerts.shift();
        }
      });
    }
  };
})();
"""

SNAPSHOT = r"""
(() => {
  const text = (node) => (node ? (node.innerText ?? node.textContent ?? "") : "").replace(/\s+/g, " ").trim();
  const connection = document.querySelector("#connection");
  const log = window.__dashboardCheck;
  return {
    url: location.href,
    readyState: document.readyState,
    connection: connection ? text(connection) : null,
    services: [...document.querySelectorAll("article.service[data-service]")]
      .map((node) => ({ name: node.dataset.service, status: node.dataset.status })),
    alerts: [...document.querySelectorAll("li.alert[data-alert]")]
      .map((node) => ({ id: node.dataset.alert, rule: text(node.querySelector(".rule")), state: node.dataset.state, text: text(node) })),
    stream: log ? { opened: log.opened, events: { ...log.events }, alerts: log.alerts.slice() } : null,
  };
})()
"""


# ---- Chromium ------------------------------------------------------------------------------------


def chromium_binary():
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    raise CheckFailed("no Chromium found (tried $CHROMIUM, chromium, chromium-browser, google-chrome)")


def start_chromium(root):
    profile = os.path.join(root, "profile")
    os.mkdir(profile)
    log = open(os.path.join(root, "chromium.log"), "wb")
    command = [
        chromium_binary(),
        "--headless", "--no-sandbox", "--disable-gpu",
        "--remote-debugging-port=0", f"--user-data-dir={profile}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--no-first-run", "--no-default-browser-check", "--disable-dev-shm-usage",
        "--hide-scrollbars", "--mute-audio", "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
        "about:blank",
    ]
    # Its own session and process group, so that every helper process it forks goes with it; and
    # on Linux killed if this script dies without cleaning up (SIGKILL), its helpers following it.
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                               start_new_session=True, preexec_fn=_die_with_parent)
    log.close()
    return process, profile


def _die_with_parent():
    try:
        import ctypes
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def chromium_log_tail(root):
    try:
        with open(os.path.join(root, "chromium.log"), "rb") as file:
            lines = [line.strip() for line in file.read().decode("utf-8", "replace").splitlines() if line.strip()]
        return lines[-1][:300] if lines else ""
    except OSError:
        return ""


def devtools_address(process, profile, root, deadline):
    path = os.path.join(profile, "DevToolsActivePort")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = chromium_log_tail(root)
            raise CheckFailed(f"Chromium exited with status {process.returncode} before DevTools listened" + (f": {tail}" if tail else ""))
        try:
            with open(path) as file:
                lines = file.read().splitlines()
            if len(lines) >= 2 and lines[0].strip().isdigit():
                return int(lines[0]), lines[1].strip()
        except OSError:
            pass
        time.sleep(0.05)
    raise CheckFailed("Chromium did not write DevToolsActivePort in time")


def stop_chromium(process):
    if process is None:
        return
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            process.wait(timeout=wait)
            # The leader is gone; make sure no helper outlives it.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            return
        except subprocess.TimeoutExpired:
            continue


# ---- The check -----------------------------------------------------------------------------------


def describe(snapshot):
    if not snapshot:
        return "no page state"
    services = ", ".join(f"{s['name']}={s['status']}" for s in snapshot["services"]) or "none"
    alerts = ", ".join(f"{a['id']}({a['state']})" for a in snapshot["alerts"]) or "none"
    stream = snapshot.get("stream") or {}
    return (f"#connection reads {snapshot['connection']!r}; services: {services}; alerts shown: {alerts}; "
            f"stream events: {json.dumps(stream.get('events', {}), sort_keys=True)}")


def screenshot(devtools, path):
    for attempt in range(8):
        try:
            data = devtools.call("Page.captureScreenshot", {"format": "png"}, timeout=20)["data"]
            break
        except ProtocolError:
            # Just after a failed navigation the error page is not active yet ("Not attached to an
            # active page"), or the session went: wait a little, attach again if need be, retry.
            if attempt == 7:
                raise
            time.sleep(0.25)
            if devtools.gone:
                devtools.attach()
    with open(path, "wb") as file:
        file.write(base64.b64decode(data))


def run(args, root, state):
    started = time.monotonic()
    process, profile = start_chromium(root)
    state["process"] = process
    port, path = devtools_address(process, profile, root, started + args.timeout)

    ws = WebSocket("127.0.0.1", port, path, timeout=10)
    state["ws"] = ws
    devtools = DevTools(ws)
    state["devtools"] = devtools

    devtools.attach()
    devtools.call("Page.enable")
    devtools.call("Runtime.enable")
    devtools.call("Log.enable")
    devtools.call("Emulation.setDeviceMetricsOverride",
                  {"width": WINDOW[0], "height": WINDOW[1], "deviceScaleFactor": 1, "mobile": False})
    devtools.call("Page.addScriptToEvaluateOnNewDocument", {"source": STREAM_HOOK})
    state["navigated"] = True          # from here on a failure still saves a screenshot
    navigation = devtools.call("Page.navigate", {"url": args.url}, timeout=args.timeout)
    if navigation.get("errorText"):
        raise CheckFailed(f"could not open {args.url}: {navigation['errorText']}")

    # Wait for the page to be live (and show the service).
    deadline = time.monotonic() + args.timeout
    snapshot = None
    while True:
        try:
            snapshot = devtools.evaluate(SNAPSHOT)
        except ProtocolError:           # the document is being replaced; ask again
            if devtools.gone or time.monotonic() >= deadline:
                raise
            time.sleep(POLL_SECONDS)
            continue
        live = bool(snapshot) and snapshot["connection"] == "live"
        shown = not args.expect_service or bool(snapshot) and any(s["name"] == args.expect_service for s in snapshot["services"])
        if live and shown:
            break
        if time.monotonic() >= deadline:
            waiting = []
            if not live:
                waiting.append("#connection to read 'live'")
            if not shown:
                waiting.append(f"service card {args.expect_service!r}")
            raise CheckFailed(f"timed out after {args.timeout:g} s waiting for {' and '.join(waiting)}: {describe(snapshot)}")
        time.sleep(POLL_SECONDS)

    before = {alert["id"] for alert in snapshot["alerts"] if alert["state"] == "firing"}
    streamed_before = max([entry["seq"] for entry in (snapshot.get("stream") or {}).get("alerts", [])], default=0)
    ready_at = time.monotonic()
    print("ready", flush=True)

    # Wait for a firing alert pushed after `ready`.
    deadline = ready_at + args.timeout
    while True:
        snapshot = devtools.evaluate(SNAPSHOT)
        seen_at = time.monotonic()
        streamed = {entry["id"] for entry in (snapshot.get("stream") or {}).get("alerts", [])
                    if entry["seq"] > streamed_before and entry["state"] == "firing"}
        fresh = [alert["id"] for alert in snapshot["alerts"] if alert["state"] == "firing" and alert["id"] not in before]
        pushed = [ident for ident in fresh if ident in streamed]
        if pushed:
            break
        if snapshot["connection"] != "live":
            state["dropped"] = True     # noted for the message below; it may come back
        if seen_at >= deadline:
            why = "a new firing alert pushed over the stream"
            if fresh:
                why += f" (shown but not received as a stream event: {', '.join(fresh)})"
            raise CheckFailed(f"timed out after {args.timeout:g} s waiting for {why}: {describe(snapshot)}"
                              + ("; the stream dropped to polling meanwhile" if state.get("dropped") else ""))
        time.sleep(POLL_SECONDS)

    screenshot(devtools, args.screenshot)
    state["screenshot_taken"] = True
    result = {
        "connection": snapshot["connection"],
        "services": snapshot["services"],
        "alerts": [{key: alert[key] for key in ("id", "rule", "state", "text")} for alert in snapshot["alerts"]],
        "alert_arrived_after_ready_ms": round((seen_at - ready_at) * 1000),
        "new_alerts": pushed,
        "stream_events": (snapshot.get("stream") or {}).get("events", {}),
        "page_errors": devtools.page_errors,
    }
    print(json.dumps(result), flush=True)


def main():
    parser = argparse.ArgumentParser(description="Checks the blackhole dashboard in headless Chromium.")
    parser.add_argument("url")
    parser.add_argument("screenshot")
    parser.add_argument("--expect-service", metavar="NAME")
    parser.add_argument("--timeout", type=float, default=30, metavar="SECONDS",
                        help="bound of each wait: for `ready`, then for the alert (default 30)")
    args = parser.parse_args()

    def terminate(signum, frame):
        raise Terminated(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    signal.signal(signal.SIGHUP, terminate)

    root = tempfile.mkdtemp(prefix="dashboard-check-")
    state = {}
    status = 1
    try:
        try:
            run(args, root, state)
            status = 0
        except CheckFailed as error:
            reason = str(error)
        except Terminated as signal_name:
            reason = f"stopped by {signal_name}"
        except Exception as error:      # anything else still ends in one line on stderr
            reason = f"{type(error).__name__}: {error}"
        if status != 0:
            devtools = state.get("devtools")
            stopped = reason.startswith("stopped by")
            if devtools and devtools.session and state.get("navigated") and not stopped:
                try:
                    screenshot(devtools, args.screenshot)
                except Exception:
                    pass
            if devtools and devtools.page_errors:
                reason += f"; page errors: {' | '.join(devtools.page_errors[-3:])}"
            print(f"dashboard check failed: {reason}".replace("\n", " "), file=sys.stderr, flush=True)
    finally:
        # Cleanup must not be cut short by a second signal.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        if state.get("ws"):
            state["ws"].close()
        stop_chromium(state.get("process"))
        shutil.rmtree(root, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
