"""The HTTP server of ``aftercare run``: waitress, with threads to spare beside the devices' longpolls.

Every live device holds a server thread per pulled database while its longpoll waits (the
proxy answers one by polling the store; a WSGI thread cannot be given back meanwhile). Two
things keep those waits from taking the server: the proxy lets only half the threads wait
(``LONGPOLL_SLOTS``; the others get a short wait), and waitress reads ahead on each connection
so a wait whose device went away (a closed tab, a counter that lost its network) notices and
ends within one poll instead of holding its thread to the end.
"""

from __future__ import annotations

import threading

from waitress import create_server

LONGPOLL_SLOTS = "aftercare.longpoll_slots"


def longpoll_slots(threads: int) -> threading.BoundedSemaphore:
    """How many longpolls may wait at once on a server of ``threads`` threads: half of them."""
    return threading.BoundedSemaphore(max(1, threads // 2))


def http_server(app, *, host: str, port: int, threads: int | None = None):
    """The app under waitress on ``host:port`` (0: a free port); ``threads`` defaults to the setting."""
    threads = threads or app.extensions["aftercare.settings"].http_threads
    app.extensions[LONGPOLL_SLOTS] = longpoll_slots(threads)
    return create_server(app, host=host, port=port, threads=threads, ident="aftercare",
                         # Keep reading a connection while its request runs: a read of nothing is how
                         # waitress learns the client has gone (``waitress.client_disconnected``).
                         channel_request_lookahead=1)
