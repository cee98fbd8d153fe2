"""The progress file on disk: read it, or change it under a lock, never leaving half a file.

Writes happen under a cross-platform lock held for the whole read-modify-write, so two `cimsig
done` at the same moment both land; the new text goes to a temp file in the same folder, is
flushed and fsynced, then renamed over the old one, so a crash never leaves half a file. A
progress file that cannot be read is never overwritten: the user gets a message naming the file
and what is wrong, and the file stays byte for byte as it was.
"""

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from cimsig.errors import FileProblem, StateError
from cimsig.state import State
from cimsig.storage import state_format
from cimsig.storage.fileio import (
    FileTooLarge,
    NotARegularFile,
    atomic_write_bytes,
    decode_text,
    read_regular_file,
    remove_files,
    stale_files,
)

STATE_FILE_NAME = "state.yaml"
# A progress file holds a few hundred lines; anything far larger is not one of ours.
MAX_STATE_BYTES = 20 * 1024 * 1024
# `cimsig history --archive` reads a progress file up to this size, so that one which grew past
# the limit (made by an older cimsig, or joined by hand) can be brought back under it.
MAX_ARCHIVING_BYTES = 5 * MAX_STATE_BYTES
# How long a command waits for another cimsig that is writing the same progress file.
LOCK_TIMEOUT_SECONDS = 15.0


class StateFile:
    """One progress file on disk: read it, or change it under the lock."""

    def __init__(
        self, path: Path, lock_timeout: float = LOCK_TIMEOUT_SECONDS, *, archiving: bool = False
    ) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        # Archiving reads a file past the limit, to bring it back under (`MAX_ARCHIVING_BYTES`).
        self.archiving = archiving
        # A link to a shared file is followed: the file it points to is locked and replaced,
        # never the link (which would turn into a private copy nobody else sees).
        self.target = Path(os.path.realpath(path))
        self.lock_path = self.target.with_name(self.target.name + ".lock")
        # The text this process read and parsed itself before a change, and the state parsed
        # from it (`read(for_change=True)`): when the file under the lock is still exactly that
        # text, the change starts from that state instead of parsing the same text again.
        self._read_for_change: tuple[bytes, State] | None = None

    def exists(self) -> bool:
        return self.path.exists()

    def odd_lock_file(self) -> str | None:
        """What is wrong when the lock file is not a plain file (a link, a folder ...), which
        blocks every write; None when it is one, or is not there."""
        try:
            found = os.lstat(self.lock_path)
        except OSError:
            return None
        if stat.S_ISREG(found.st_mode):
            return None
        what = "a link" if stat.S_ISLNK(found.st_mode) else "not a plain file"
        return (
            f"The lock file {self.lock_path} is {what}, so the progress file {self.path} cannot "
            "be changed: cimsig makes that file itself, as a plain file. Delete it and try "
            "again; the progress file is unchanged."
        )

    def lock_is_free(self) -> bool:
        """Whether no cimsig is writing this progress file right now (for `cimsig doctor`)."""
        from filelock import FileLock, Timeout

        if not self.target.parent.is_dir():
            return True
        lock = FileLock(str(self.lock_path), timeout=0, mode=self.lock_mode())
        try:
            lock.acquire()
        except Timeout:
            return False
        except OSError:
            return True  # a folder we cannot write to: doctor reports that on its own
        lock.release()
        return True

    def remove_free_lock(self) -> None:
        """Delete the lock file of a progress file that is gone (a copy `merge --remove`
        deleted), unless a cimsig holds it now; a plain file only."""
        from filelock import FileLock, Timeout

        try:
            if self.target.exists() or not stat.S_ISREG(os.lstat(self.lock_path).st_mode):
                return
        except OSError:
            return
        lock = FileLock(str(self.lock_path), timeout=0, mode=self.lock_mode())
        try:
            lock.acquire()
        except (Timeout, OSError):
            return
        try:
            with contextlib.suppress(OSError):  # (Windows deletes it on release instead)
                self.lock_path.unlink()
        finally:
            lock.release()

    def stray_temp_files(self) -> list[Path]:
        """Temp files left by a write that was interrupted; never read as progress."""
        if not self.target.parent.is_dir():
            return []
        return sorted(self.target.parent.glob(f".{self.target.name}.*.tmp"))

    def lock_mode(self) -> int:
        """The lock file's permissions: only those who may change the progress file may hold
        its lock (anyone who can open the lock file can hold it and block every write)."""
        try:
            mode = self.target.stat().st_mode
        except OSError:
            return 0o600
        lock = 0o600
        if mode & stat.S_IWGRP:
            lock |= 0o060
        if mode & stat.S_IWOTH:
            lock |= 0o006
        return lock

    def read_text(self) -> str | None:
        """The file's text, or None when there is no file yet.

        No lock is needed to read: writes replace the file in one step, so a reader sees the old
        file or the new one, never half of one.
        """
        raw = self._read_bytes()
        return None if raw is None else self._decode(raw)

    def _read_bytes(self) -> bytes | None:
        try:
            return read_regular_file(
                self.target, MAX_ARCHIVING_BYTES if self.archiving else MAX_STATE_BYTES
            )
        except FileNotFoundError:
            return None
        except (IsADirectoryError, NotARegularFile):
            raise StateError(
                f"{self.path} is not a progress file: it is a folder or a device, not a file."
            ) from None
        except FileTooLarge:
            if self.archiving:
                raise StateError(
                    f"The progress file {self.path} is larger than "
                    f"{MAX_ARCHIVING_BYTES // 2**20} MB, far larger than a cimsig progress "
                    "file. Is it the right file? cimsig has not changed it."
                ) from None
            raise StateError(
                f"The progress file {self.path} is larger than {MAX_STATE_BYTES // 2**20} MB, "
                "the most cimsig reads, so cimsig has not changed it. If it is your progress "
                "file, move its old history to a side file with `cimsig history --archive "
                "DATE` (which reads a file this large); if not, check the name."
            ) from None
        except OSError as exc:
            raise StateError(
                f"The progress file {self.path} cannot be read: {exc.strerror or exc}."
            ) from None

    def _decode(self, raw: bytes) -> str:
        try:
            return decode_text(raw)
        except UnicodeDecodeError:
            raise FileProblem(
                f"The progress file {self.path} cannot be used: it is not UTF-8 text. "
                "cimsig has not changed it; move it aside and restore your backup.",
                str(self.path),
                "it is not UTF-8 text",
            ) from None

    def read(self, *, for_change: bool = False) -> State:
        """The state as it is on disk (an empty state when there is no file yet).

        `for_change`: a change (`edit`) follows, which may start from this reading. Nothing may
        change the state returned: it is the one the change will make its changes to."""
        raw = self._read_bytes()
        if raw is None:
            return State()
        state = state_format.parse_state(self._decode(raw), self.path)
        if for_change:
            self._read_for_change = (raw, state)
        return state

    @contextlib.contextmanager
    def edit(self) -> Iterator[State]:
        """Read the file itself, let the caller change it, and write it back, under the lock.

        If the caller raises, or changes nothing, nothing is written.
        """
        with self._locked():
            raw = self._read_bytes()
            known, self._read_for_change = self._read_for_change, None
            if raw is None:
                state = State()
            elif known is not None and known[0] == raw:
                # The file itself, read under the lock, is byte for byte what this process
                # parsed a moment ago (never a cached copy): that parsing is used, not repeated.
                state = known[1]
            else:
                state = state_format.parse_state(self._decode(raw), self.path)
            guide = state.guide
            yield state
            # Every change is counted (State.revision): no need to write the text out twice to
            # compare, which cost most of a change's time on a long history.
            if state.revision or state.guide != guide or raw is None:
                self._write(state_format.to_text(state))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        try:
            # A folder cimsig makes is private (as ssh and gpg make theirs); one that exists, a
            # team's shared folder say, keeps its permissions.
            self.target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(
                f"The folder for the progress file, {self.target.parent}, cannot be created: "
                f"{exc.strerror or exc}."
            ) from None
        odd = self.odd_lock_file()
        if odd is not None:
            raise StateError(odd)
        # An operating-system lock: it is released when the process holding it ends, however it
        # ends, so a killed cimsig never leaves a lock that blocks the next one.
        lock = FileLock(str(self.lock_path), timeout=self.lock_timeout, mode=self.lock_mode())
        try:
            lock.acquire()
        except Timeout:
            waited = f"{self.lock_timeout:g} second" + ("" if self.lock_timeout == 1 else "s")
            how_long = (
                f"for the whole {waited} this one waits"
                if self.lock_timeout > 0
                else "(CIMSIG_LOCK_TIMEOUT is 0: this one does not wait)"
            )
            raise StateError(
                f"Nothing was changed: other cimsig commands were saving {self.path} "
                f"{how_long}. Try again in a moment. (A cimsig that was stopped does not hold "
                "the lock: the system releases it.)"
            ) from None
        except OSError as exc:
            raise StateError(
                f"The progress file {self.path} cannot be locked for writing: "
                f"{exc.strerror or exc}. Is its folder read-only?"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def is_read_only(self) -> bool:
        """Whether the file was made read-only (`chmod 444`): its write bits, which root's
        os.access ignores, and os.access for everyone else."""
        try:
            mode = self.target.stat().st_mode
        except OSError:
            return False
        return mode & 0o222 == 0 or not os.access(self.target, os.W_OK)

    def _write(self, text: str) -> None:
        if self.is_read_only():
            raise StateError(
                f"The progress file {self.path} is read-only, so cimsig has not changed it. "
                "If it should change, make it writable again (for example `chmod u+w`)."
            )
        data = text.encode("utf-8")
        if len(data) > MAX_STATE_BYTES:
            try:
                before = self.target.stat().st_size
            except OSError:
                before = 0
            if len(data) >= before:  # (archiving a file past the limit makes it smaller)
                raise StateError(
                    f"This change was not saved: it would make the progress file {self.path} "
                    f"larger than {MAX_STATE_BYTES // 2**20} MB, the most cimsig reads. Move "
                    "its old history to a side file first with `cimsig history --archive "
                    "DATE`, then make the change again. The file is unchanged."
                )
        try:
            atomic_write_bytes(
                self.target, data, mode=None if self.target.exists() else self._new_mode()
            )
        except OSError as exc:
            raise StateError(
                f"The progress file {self.path} could not be saved ({exc.strerror or exc}); "
                "the previous version is unchanged."
            ) from None
        # Each temp file a killed save left is a whole copy of the file: gone at the next save.
        remove_files(stale_files(self.stray_temp_files()))

    def _new_mode(self) -> int:
        """A new progress file is open to no one its folder does not let in: 0600 in a private
        folder, shared with the group in a folder the group may enter (the umask still applies)."""
        from cimsig.storage.fileio import umask

        mode = 0o666 & ~umask()
        try:
            folder = self.target.parent.stat().st_mode
        except OSError:
            return mode & 0o600
        if not folder & stat.S_IXGRP:
            mode &= ~0o070
        if not folder & stat.S_IXOTH:
            mode &= ~0o007
        return mode
