"""UUIDv7 ids: unique, ordered, version 7, and a forked child does not repeat its parent's."""

from __future__ import annotations

import os

from server.ids import uuid7


def test_ids_are_unique_ordered_and_version_7():
    ids = [uuid7() for _ in range(50_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)  # the counter keeps ids of one millisecond in order
    assert {i.version for i in ids} == {7} and {i.variant for i in ids} == {ids[0].variant}


def test_a_forked_child_makes_other_ids_than_its_parent():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its ids, to the parent
        os.write(w, b"".join(uuid7().bytes for _ in range(64)))
        os._exit(0)
    os.close(w)
    mine = {uuid7().bytes[8:] for _ in range(64)}
    data = b""
    while chunk := os.read(r, 4096):
        data += chunk
    os.waitpid(pid, 0)
    theirs = {data[n:n + 16][8:] for n in range(0, len(data), 16)}
    assert len(theirs) == 64 and not mine & theirs  # the random parts differ
