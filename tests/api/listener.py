"""A real HTTP server on loopback, in a thread, that receives webhooks as a client would:
it checks nothing itself but records every request, answers with the status codes
it is given, and keeps each idempotency key once (what a careful receiver does)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Listener:
    def __init__(self):
        self.requests: list[dict] = []
        self.accepted: dict[str, dict] = {}
        self.answers: list[int] = []  # consumed one per request; 200 when empty
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                status = listener.answers.pop(0) if listener.answers else 200
                listener.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                if 200 <= status < 300:
                    for item in json.loads(body):
                        listener.accepted.setdefault(item["idempotency_key"], item)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/sori"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
