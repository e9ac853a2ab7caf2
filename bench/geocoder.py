"""A stand-in for the US Census Geocoder's `geographies/onelineaddress`, for `make bench`.

It answers every address with the recorded Missouri match, from a process of its own: the
bench's own work (a million letters built, wrk's output read) must never pause the answer a
lookup waits for. Prints its port on the first line of stdout, then serves until stopped.

`geocoder.py ANSWER [DELAY]`: with DELAY (seconds), each answer waits that long first, as the
real geocoder often does on a busy day.
"""

from __future__ import annotations

import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


class Geocoder(BaseHTTPRequestHandler):
    answer = b""
    delay = 0.0
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY a kept-alive connection waits for
    # the client's delayed ACK (40 ms) between them, which no real web server makes anyone wait.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        if urlsplit(self.path).path.rstrip("/").endswith("/geographies/onelineaddress"):
            time.sleep(self.delay)
            status, body = 200, self.answer
        else:
            status, body = 404, b"{}"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    Geocoder.answer = Path(sys.argv[1]).read_bytes()
    Geocoder.delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Geocoder)
    server.daemon_threads = True
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
