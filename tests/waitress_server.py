"""The app under waitress in a thread, served as ``aftercare run`` serves it (benchmarks and tests)."""

from __future__ import annotations

import threading

from server.serving import http_server


class Serving:
    def __init__(self, app, *, threads: int | None = None):
        self.closed = False
        self.server = http_server(app, host="127.0.0.1", port=0, threads=threads)
        self.port = self.server.effective_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            self.server.run()
        except OSError:
            if not self.closed:  # closing the socket under the running loop ends it this way
                raise

    def close(self):
        self.closed = True
        self.server.close()
        self.thread.join(5)
