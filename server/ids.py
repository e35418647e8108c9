"""UUIDv7 identifiers: time-ordered, so new rows land at the end of indexes."""

import os
import random
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0
# Random bits from a generator seeded by the OS, not a system call per id: os.urandom lets
# go of the interpreter lock, and a busy thread (the posting worker makes thousands of ids
# a batch) then waits for another to hand it back. Ids need to be unique, not secret. A
# forked child seeds its own, or parent and child would make the same ids.
_random = random.Random(os.urandom(32))


def _reseed() -> None:
    _random.seed(os.urandom(32))


os.register_at_fork(after_in_child=_reseed)


def uuid7() -> uuid.UUID:
    """RFC 9562 UUIDv7 with a 12-bit counter so ids made in one millisecond stay ordered."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
            if _counter > 0xFFF:
                ms += 1
                _counter = 0
        else:
            _counter = _random.getrandbits(11)
        _last_ms = ms
        counter = _counter
        rand = _random.getrandbits(62)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand
    return uuid.UUID(int=value)
