"""A progress line on stderr: done/total, failures, ETA (no dependency).

On a terminal it redraws one line; otherwise (CI logs, ``| tee``) it prints one line per
finished student. Student ids and statuses are printed through ``autograder.printable``: nothing
handed in can send an escape sequence to the terminal or break the line.
"""
from __future__ import annotations

import sys
import time

from .printable import printable


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class Progress:
    def __init__(self, total: int, stream=None, width: int = 30):
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.width = width
        self.start = time.monotonic()

    def eta(self) -> str:
        if not self.done:
            return "?"
        elapsed = time.monotonic() - self.start
        return _duration(elapsed / self.done * (self.total - self.done))

    def update(self, student: str, status: str, score: str) -> None:
        """Record one finished student."""
        self.done += 1
        self.failed += status.startswith(("error", "timeout"))
        counts = f"{self.done}/{self.total} graded, {self.failed} failed"
        if self.tty:
            filled = self.width * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (self.width - filled)
            end = "\n" if self.done == self.total else ""
            self.stream.write(f"\r[{bar}] {counts}, ETA {self.eta()}\x1b[K{end}")
        else:
            self.stream.write(f"[{counts}, ETA {self.eta()}] {printable(student)}: {printable(status)}, {score}\n")
        self.stream.flush()

    def elapsed(self) -> str:
        return _duration(time.monotonic() - self.start)
