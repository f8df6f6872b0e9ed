"""A gRPC client that sends its request a byte at a time (slowloris over HTTP/2, h2c).

    python3 grpc_slow.py HOST:PORT /package.Service/Method SECONDS

Opens the call, sends a message header announcing 1,000 bytes and then one byte every 250 ms
for up to SECONDS. Prints how the server ended the call and when, on one line:
"status N MESSAGE after S.Ss" (trailers), "reset after S.Ss" (RST_STREAM or the connection
closed), or "open after S.Ss" if the server let it trickle for the whole time.
"""
import socket
import sys
import time

import h2.config
import h2.connection
import h2.events


def main():
    target, method, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    host, port = target.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))
    sock.settimeout(0.25)
    connection = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    connection.initiate_connection()
    stream = connection.get_next_available_stream_id()
    connection.send_headers(stream, [(":method", "POST"), (":scheme", "http"), (":path", method),
                                     (":authority", target), ("content-type", "application/grpc"), ("te", "trailers")])
    connection.send_data(stream, b"\x00" + (1000).to_bytes(4, "big") + b"\x0a")
    sock.sendall(connection.data_to_send())
    started = time.monotonic()
    headers = {}
    while time.monotonic() - started < seconds:
        try:
            data = sock.recv(65536)
            if not data:
                print(f"reset after {time.monotonic() - started:.1f}s")
                return 0
            for event in connection.receive_data(data):
                if isinstance(event, (h2.events.ResponseReceived, h2.events.TrailersReceived)):
                    headers.update({name.decode(): value.decode() for name, value in event.headers})
                if isinstance(event, h2.events.StreamReset) or isinstance(event, h2.events.ConnectionTerminated):
                    print(f"reset after {time.monotonic() - started:.1f}s")
                    return 0
                if isinstance(event, h2.events.StreamEnded) and "grpc-status" in headers:
                    print(f"status {headers['grpc-status']} {headers.get('grpc-message', '')} after {time.monotonic() - started:.1f}s")
                    return 0
        except socket.timeout:
            pass
        except ConnectionError:
            print(f"reset after {time.monotonic() - started:.1f}s")
            return 0
        try:
            connection.send_data(stream, b"\x0a")
            sock.sendall(connection.data_to_send())
        except Exception:  # noqa: BLE001 - a stream the server closed refuses more data: that is an answer too
            pass
    print(f"open after {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
