"""Where blob bytes live: local disk by default; an object store implements the same three methods."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol


class BlobStorage(Protocol):
    def put(self, sha256: str, data: bytes) -> None:
        """Store the bytes under their hash (a no-op if present)."""

    def exists(self, sha256: str) -> bool: ...

    def path(self, sha256: str) -> Path:
        """A local file to serve (an object store would hand out a URL instead)."""


class LocalBlobStorage:
    """``<root>/ab/cd/<sha256>``; written to a temporary file and renamed, so a reader never sees half a photo."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, sha256: str, data: bytes) -> None:
        target = self.path(sha256)
        if target.is_file():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
