"""Writing files so that a crash never leaves half of one: temp file, fsync, rename."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path


def atomic_write_text(
    path: Path, text: str, *, encoding: str = "utf-8", mode: int | None = None
) -> None:
    """Write a whole file or nothing: temp file in the same folder, fsync, then rename."""
    atomic_write_bytes(path, text.encode(encoding), mode=mode)


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write a whole file or nothing: temp file in the same folder, fsync, then rename.

    The old file, if any, keeps its permissions and, where the system allows, its owner and
    group (`mode` sets the permissions instead); on any error the temp file is removed and the
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
            old = path.stat() if path.exists() else None
            if mode is None:
                mode = old.st_mode & 0o777 if old is not None else 0o666 & ~umask()
            if old is not None and hasattr(os, "chown"):
                tmp_stat = tmp.stat()
                if (tmp_stat.st_uid, tmp_stat.st_gid) != (old.st_uid, old.st_gid):
                    # A team's shared file stays in its group (and its owner's, for root).
                    with contextlib.suppress(OSError):
                        os.chown(tmp, old.st_uid, old.st_gid)
                    with contextlib.suppress(OSError):
                        os.chown(tmp, -1, old.st_gid)
            os.chmod(tmp, mode)
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


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class NotARegularFile(OSError):
    """A folder, a device, a FIFO or a socket where a file was expected."""


class FileTooLarge(OSError):
    """More bytes than the caller's limit."""


# A temp file older than this was left by a write that was killed (a write takes seconds at
# most): the next write beside it removes it.
STALE_TEMP_SECONDS = 3600


def stale_files(paths: Iterable[Path], now: float | None = None) -> list[Path]:
    """Those of `paths` that are plain files (not links, folders or FIFOs, which cimsig never
    makes) last changed more than STALE_TEMP_SECONDS ago."""
    import stat

    limit = (time.time() if now is None else now) - STALE_TEMP_SECONDS
    found = []
    for path in paths:
        with contextlib.suppress(OSError):
            found_stat = path.lstat()
            if stat.S_ISREG(found_stat.st_mode) and found_stat.st_mtime < limit:
                found.append(path)
    return sorted(found)


def remove_files(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, at most `limit` of them.

    A FIFO, a device (/dev/zero) or a folder is refused before anything is read, and without
    waiting for a writer; the limit is enforced while reading, so a file that grows, or claims a
    wrong size, can never fill the memory. FileNotFoundError passes through.
    """
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(f"{path} is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(f"{path} is larger than {limit} bytes")
    return data


def read_head(path: Path, count: int) -> bytes:
    """The first `count` bytes of a regular file; NotARegularFile for a FIFO, a device or a
    folder, found without waiting for a writer (a scan of a folder must never hang)."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(f"{path} is not a regular file")
        return handle.read(count)


def decode_text(raw: bytes) -> str:
    """UTF-8 text, without the byte-order mark Windows Notepad may put first (UnicodeDecodeError
    when it is not UTF-8). The same as decoding "utf-8-sig", without importing that codec."""
    return (raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw).decode("utf-8")
