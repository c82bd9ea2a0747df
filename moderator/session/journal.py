"""The journal: an append-only JSON Lines file of everything that happened in a session.

It is the source of truth: the engine's state and the report are rebuilt from it.
Every event is written, flushed and ``fsync``'d before ``append`` returns, so anything the
console acknowledged survives a crash or a power cut. If the journal's folder becomes
unwritable, events continue in a fallback file (named in ``fallback_path``) that holds the
whole journal so far, rather than being lost.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from moderator.files import BINARY, NOFOLLOW, FileTooLarge, read_bounded, refuse_link, require_regular_file
from moderator.files import fsync_dir as _fsync_dir
from moderator.files import write_atomic as write_atomic_bytes
from moderator.locking import FileLock, Holder, LockHeld, is_locked, lock_path, read_holder
from moderator.problems import ModeratorError, Words
from moderator.session.events import (
    Event,
    EventError,
    EventType,
    Opened,
    Reopened,
    UnknownEventType,
    decode_line,
    encode,
)


class JournalError(ModeratorError):
    """An event could not be made durable; the command that produced it did not happen."""


class JournalBusy(ModeratorError):
    """Another console holds this journal: one writer per journal, or two notes get the same id."""


LINKS_NAME = "links.txt"


PREVIOUS_CONSOLE_GRACE = 5.0
"""Seconds ``moderator run`` waits for a console that is closing (its terminal just closed; it ends
within 3 s) before saying the session is taken: starting again at once must just work."""


def busy_message(path: Path, holder: Holder | None = None) -> Words:
    """Who holds the session, and what to do: the co-moderator link only if the session is shared
    (its ``links.txt`` exists), else how to find and close the console that holds it. ``Words``: the
    host says it in the session's language (``ModeratorError.language``)."""
    said = (Words("a console is already running this session ({path}, {holder})", path=str(path),
                  holder=holder.describe()) if holder is not None
            else Words("a console is already running this session ({path})", path=str(path)))
    links = path.parent / LINKS_NAME
    if links.exists():
        return Words("{said}; to take a co-moderator seat on it, run `moderator join URL` with the co-moderator "
                     "link in {links}", said=said, links=str(links))
    if holder is not None:
        return Words("{said}; close that console (ctrl+q in its terminal) or end its process ({pid}): "
                     "every note is already saved", said=said, pid=holder.pid)
    return Words("{said}; close that console first (`lsof {lock}` shows its process)", said=said,
                 lock=str(path.with_name(path.name + ".lock")))


def lock_journal(path: Path, *, wait: float = 0.0) -> FileLock:
    """Take the journal's OS lock (``moderator.locking``: exclusive, in ``<journal>.lock``), trying for
    up to ``wait`` seconds: it is held until released, and the OS lets it go when the process dies,
    even by kill -9. ``JournalBusy`` (naming the holder) if another console keeps it."""
    lock = FileLock(path, role="console")
    try:
        return lock.acquire(wait=wait)
    except LockHeld as held:
        raise JournalBusy(busy_message(path, held.holder)) from None


def ensure_not_running(path: Path, *, wait: float = 0.0) -> None:
    """Refuse, before reading or renaming anything, a journal another console is writing; a console
    still closing is waited for up to ``wait`` seconds (``wait_for_previous_console``)."""
    if path.exists() and not wait_for_previous_console(path, wait):
        raise JournalBusy(busy_message(path, read_holder(lock_path(path))))


def wait_for_previous_console(path: Path, wait: float, *, poll: float = 0.1) -> bool:
    """Whether the journal's lock is free, asking again every ``poll`` seconds for up to ``wait``: a
    console whose terminal just closed lets go within 3 s."""
    deadline = time.monotonic() + wait
    while is_locked(path):
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll)
    return True


@dataclass
class JournalContents:
    events: list[Event]
    warnings: list[str] = field(default_factory=list)
    torn_tail: bytes = b""
    data: bytes = b""
    """The file as read, so that continuing it (``Journal(path, read=...)``) needs no second read."""
    opening_lost: bool = False
    """The first line, which names the programme, was unreadable; the events after it are kept."""


_SEGMENT_FIELDS = ("segment", "group_segment")


class _SegmentBound:
    """How many segments the run had: from ``opened``, changed by each ``reopened`` that says so.

    An event naming a segment beyond it was not written by this run (a flipped digit, a hand
    edit) and would grow the state to that size: it is skipped, with its line.
    """

    def __init__(self) -> None:
        self.count: int | None = None

    def follow(self, event: Event) -> None:
        if isinstance(event, Opened | Reopened):
            if event.segments > 0:
                self.count = event.segments
            elif isinstance(event, Reopened) and event.programme_changed:
                self.count = None  # resumed from a changed programme of unknown length: no bound

    def outside(self, event: Event) -> int | None:
        if self.count is None:
            return None
        for name in _SEGMENT_FIELDS:
            value = getattr(event, name, None)
            if isinstance(value, int) and value >= self.count:
                return value
        return None


def read_journal(path: str | Path) -> JournalContents:
    """Read every whole event; skip a torn last line (and any unreadable line) with a warning."""
    try:
        data = read_bounded(path)
    except FileNotFoundError:
        raise JournalError("{path}: no such journal", path=str(path)) from None
    except OSError as error:
        raise JournalError("{path}: cannot read: {reason}", path=str(path), reason=error.strerror) from None
    contents = JournalContents(events=[], data=data)
    body, newline, tail = data.rpartition(b"\n")
    if not newline:
        body, tail = b"", data
    if tail.strip():
        contents.torn_tail = tail
        contents.warnings.append(Words(
            "{path}: the last line was cut off mid-write ({size} bytes) and was skipped; "
            "the command it recorded was never acknowledged", path=str(path), size=len(tail)))
    bound = _SegmentBound()
    first_unreadable = False
    for number, raw in enumerate(body.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            event = decode_line(raw)
        except UnknownEventType as error:
            contents.warnings.append(Words("{where}: {problem} (written by a newer version?), skipped",
                                           where=f"{path}:{number}", problem=error.words))
            first_unreadable = first_unreadable or not contents.events
            continue
        except EventError as error:
            contents.warnings.append(Words("{where}: not a journal event ({problem}), skipped",
                                           where=f"{path}:{number}", problem=error.words))
            first_unreadable = first_unreadable or not contents.events
            continue
        segment = bound.outside(event)
        if segment is not None:
            contents.warnings.append(Words("{where}: {event} names segment {n}, but the run had {count} segments, "
                                           "skipped", where=f"{path}:{number}", event=event.TYPE.value,
                                           n=segment + 1, count=bound.count))
            continue
        bound.follow(event)
        contents.events.append(event)
    if contents.events and contents.events[0].TYPE is not EventType.OPENED:
        if not first_unreadable:
            raise JournalError("{path}: not a moderator journal (it does not begin with 'opened')", path=str(path))
        contents.opening_lost = True
        contents.warnings.append(Words("{where}: the journal's first line is damaged; the events after it are "
                                       "used without it", where=f"{path}:1"))
    return contents


class Journal:
    """Appends events durably. Open an existing file to continue it (a resumed session).

    Every append first checks that ``path`` is still the file being written (same device and
    inode, still linked, not shorter than what was written): a journal or folder removed or
    replaced while the console runs is recreated from the events held in memory, so nothing
    acknowledged depends on a file nobody can see any more. A failed write is cut back to the
    last whole line, so no half event is ever followed by the next one. Things the person
    should know (recreated, set aside, continued elsewhere) are queued in ``notices``.
    """

    def __init__(self, path: str | Path, *, fallback_dir: str | Path | None = None,
                 read: JournalContents | None = None) -> None:
        """``read``: what ``read_journal(path)`` just returned, when the caller read it to decide
        to continue it: the file is not read again."""
        self.path = Path(path)
        self.fallback_dir = Path(fallback_dir) if fallback_dir else default_fallback_dir()
        self.fallback_path: Path | None = None
        self.notices: list[str] = []
        self._lines: list[bytes] = []
        self._fd: int | None = None
        self._identity: tuple[int, int] | None = None
        self._size = 0
        self._closed = False
        self._lock: FileLock | None = None
        self._batched: list[bytes] | None = None
        self._open_primary(read)

    def _open_primary(self, read: JournalContents | None) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            refuse_link(self.path)
            existed = self.path.exists()
            self._lock = lock_journal(self.path)
            if existed:
                require_regular_file(self.path)
                # What the caller read, unless the file changed since (checked under the lock).
                fresh = read is not None and self.path.stat().st_size == len(read.data)
                data = read.data if read is not None and fresh else self.path.read_bytes()
                data = self._drop_torn_tail(data)
                self._lines = [line + b"\n" for line in data.split(b"\n") if line]
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | NOFOLLOW | BINARY, 0o644)
            self._remember(self._fd)
            if not existed:
                _fsync_dir(self.path.parent)
        except OSError as error:
            raise JournalError("{path}: cannot open the journal: {reason}", path=str(self.path),
                               reason=error.strerror) from None

    def _remember(self, fd: int) -> None:
        status = os.fstat(fd)
        self._identity = (status.st_dev, status.st_ino)
        self._size = status.st_size

    def _drop_torn_tail(self, data: bytes) -> bytes:
        """A half-written last event was never acknowledged; keep its bytes aside, then cut it.
        Returns the journal's whole lines."""
        cut = data.rfind(b"\n") + 1
        if cut == len(data):
            return data
        with open(self.path.with_name(self.path.name + ".torn"), "ab") as aside:
            aside.write(data[cut:] + b"\n")
        with open(self.path, "r+b") as handle:
            handle.truncate(cut)
            handle.flush()
            os.fsync(handle.fileno())
        return data[:cut]

    @property
    def active_path(self) -> Path:
        return self.fallback_path or self.path

    def take_notices(self) -> list[str]:
        """What happened to the journal's files since last asked, for the screen."""
        notices, self.notices = self.notices, []
        return notices

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Events appended inside are written and made durable together when it ends: one write and one
        fsync for an import of 100,000 chat messages, not 100,000. For work done after the session
        (``moderator chat``, ``transcript``), which says what it added only once the batch is on disk;
        the live console never batches, so each note it acknowledges is on disk already."""
        if self._batched is not None:  # already inside one
            yield
            return
        self._batched = []
        try:
            yield
        finally:
            lines, self._batched = self._batched, None
            if lines:
                self._append_line(b"".join(lines), lines)

    def append(self, event: Event) -> None:
        """Write one event and make it durable; raise ``JournalError`` if no copy could be made."""
        if self._closed:
            raise JournalError("{path}: the journal is closed", path=str(self.path))
        line = encode(event)
        if self._batched is not None:
            self._batched.append(line)
            return
        self._append_line(line, [line])

    def _append_line(self, line: bytes, lines: list[bytes]) -> None:
        """Write ``line`` (the encoded ``lines``, joined) durably, here or in a fallback copy."""
        try:
            if self.fallback_path is None:
                self._check_primary()
            self._write(line)
        except OSError as primary_error:
            try:
                self._switch_to_fallback(line)
            except OSError as error:
                raise JournalError("could not save to {path} ({reason}) nor to {fallback} ({fallback_reason})",
                                   path=str(self.path), reason=primary_error.strerror,
                                   fallback=str(self.fallback_dir), fallback_reason=error.strerror) from None
        self._lines.extend(lines)

    def _check_primary(self) -> None:
        """Recreate the journal if its file was removed, replaced or cut short under us."""
        if self._fd is None:
            self._recreate(Words("could not be written"))
            return
        current = os.fstat(self._fd)
        try:
            named = os.stat(self.path)
        except FileNotFoundError:
            self._recreate(Words("was removed"))
            return
        if (named.st_dev, named.st_ino) != self._identity or current.st_nlink == 0:
            self._recreate(Words("was replaced by another file"))
        elif current.st_size < self._size:
            self._recreate(Words("was cut short"))

    def _recreate(self, what: Words) -> None:
        """Write every event held in memory to a new file at ``path``; set aside any file found there."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        aside = None
        if self.path.exists():
            aside = _free_name(self.path.with_name(self.path.name + ".replaced"))
            os.rename(self.path, aside)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_TRUNC | NOFOLLOW | BINARY, 0o644)
        try:
            _write_all(fd, b"".join(self._lines))
            os.fsync(fd)
        except OSError:
            os.close(fd)
            raise
        _fsync_dir(self.path.parent)
        self._fd = fd
        self._remember(fd)
        if aside is None:
            notice = Words("The journal {path} {what}; it was written again with all {count} events",
                           path=str(self.path), what=what, count=len(self._lines))
        else:
            notice = Words("The journal {path} {what}; it was written again with all {count} events "
                           "(the file found there is kept as {aside})",
                           path=str(self.path), what=what, count=len(self._lines), aside=aside.name)
        self.notices.append(notice)

    def _write(self, line: bytes) -> None:
        """Append ``line`` whole, or cut the file back to where it was and raise."""
        if self._fd is None:
            raise OSError(errno.EBADF, "the journal is not open")
        offset = self._size if self.fallback_path is None else os.fstat(self._fd).st_size
        try:
            _write_all(self._fd, line)
            os.fsync(self._fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, offset)
            raise
        self._size = offset + len(line)

    def _switch_to_fallback(self, line: bytes) -> None:
        """Continue in a complete copy of the journal elsewhere, named after the journal so a
        resumed run finds it (``merge_fallbacks``); a copy that cannot be made leaves nothing."""
        self.fallback_dir.mkdir(parents=True, exist_ok=True)
        if self.fallback_path is not None:  # the fallback itself failed: try once more, in a new one
            with contextlib.suppress(OSError):
                self.fallback_path.unlink()
        prefix = fallback_prefix(self.path)
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=".jsonl", dir=self.fallback_dir)
        try:
            _write_all(handle, b"".join(self._lines) + line)
            os.fsync(handle)
        except OSError:
            os.close(handle)
            with contextlib.suppress(OSError):
                os.unlink(name)
            if self.fallback_path is not None:  # what it held is in memory: write it back
                self._restore_fallback()
            raise
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        announce = self.fallback_path is None
        self._fd = handle
        self.fallback_path = Path(name)
        self._size = len(b"".join(self._lines)) + len(line)
        if announce:
            self.notices.append(Words("The journal's folder cannot be written; saving to {path}",
                                      path=str(self.fallback_path)))

    def _restore_fallback(self) -> None:
        assert self.fallback_path is not None
        with contextlib.suppress(OSError):
            fd = os.open(self.fallback_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | BINARY, 0o644)
            try:
                _write_all(fd, b"".join(self._lines))
                os.fsync(fd)
            finally:
                os.close(fd)

    def _heal(self) -> None:
        """Back from a fallback: write the whole journal to ``path`` again and drop the copy."""
        if self.fallback_path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic_bytes(self.path, b"".join(self._lines))
        except OSError:
            return
        with contextlib.suppress(OSError):
            self.fallback_path.unlink()
        self.fallback_path = None

    def close(self) -> None:
        """Stop writing; a journal continued in a fallback is written back to ``path`` if it can be."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        if not self._closed:
            self._heal()
        self._closed = True
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, "nothing written")
        view = view[written:]


def _free_name(base: Path) -> Path:
    candidate, counter = base, 1
    while candidate.exists():
        counter += 1
        candidate = base.with_name(f"{base.name}-{counter}")
    return candidate


def default_fallback_dir() -> Path:
    return Path(tempfile.gettempdir()) / "moderator"


def fallback_prefix(path: Path) -> str:
    """Fallback copies of ``path`` start with this: its name and a hash of where it lives."""
    digest = hashlib.sha256(str(path.absolute()).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"{path.name.removesuffix('.jsonl')}-{digest}-"


def merge_fallbacks(path: Path, fallback_dir: Path | None = None) -> list[str]:
    """Bring back into ``path`` the events that a run could only save to a fallback copy.

    A fallback holds the whole journal as it was when the folder failed, then every event
    after: its lines missing from ``path`` are appended (in order, once each), the copy is
    renamed ``*.merged``, and a warning says how many events came back from where.
    """
    folder = fallback_dir or default_fallback_dir()
    warnings: list[str] = []
    try:
        copies = sorted(folder.glob(glob.escape(fallback_prefix(path)) + "*.jsonl"), key=lambda p: p.stat().st_mtime)
    except OSError:
        return warnings
    for copy in copies:
        try:
            require_regular_file(copy)
            known = set(read_bounded(path).split(b"\n")) if path.exists() else set()
            data = read_bounded(copy)
        except (OSError, FileTooLarge):
            continue
        body = data[: data.rfind(b"\n") + 1]
        missing = [line + b"\n" for line in body.split(b"\n") if line.strip() and line not in known]
        if missing:
            existing = read_bounded(path) if path.exists() else b""
            if existing and not existing.endswith(b"\n"):
                existing = existing[: existing.rfind(b"\n") + 1]
            write_atomic_bytes(path, existing + b"".join(missing))
            warnings.append(Words("{count} events saved only in {copy} (the folder could not be written) "
                                  "were added back to {path}", count=len(missing), copy=str(copy), path=str(path)))
        os.rename(copy, _free_name(copy.with_name(copy.name + ".merged")))
    return warnings
