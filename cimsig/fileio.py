"""Writing files so that a crash never leaves half of one: temp file, fsync, rename."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write a whole file or nothing: temp file in the same folder, fsync, then rename."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a whole file or nothing: temp file in the same folder, fsync, then rename.

    The old file, if any, keeps its permissions; on any error the temp file is removed and the
    old file is untouched.
    """
    import tempfile

    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            # The new file gets the old one's permissions, or what the user's umask gives a new
            # file (mkstemp makes it private to its owner).
            os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if sys.platform != "win32":
        with contextlib.suppress(OSError):
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def _replace(source: Path, target: Path) -> None:
    # On Windows a file that another program has open (a virus scanner, an editor) cannot be
    # replaced for a moment; a few short retries ride that out.
    for attempt in range(5):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == 4:
                raise
            time.sleep(0.1 * (attempt + 1))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
