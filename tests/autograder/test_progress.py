"""The progress line: counts, failures and an ETA; one line per student when not on a terminal."""
import io

from autograder.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_terminal_gets_one_redrawn_bar():
    stream = Terminal()
    progress = Progress(4, stream)
    for status in ("ok", "error: malformed notebook", "timeout", "needs review: q1"):
        progress.update("someone", status, "1/2")
    text = stream.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n") and text.count("\n") == 1
    assert "[" + "#" * 30 + "] 4/4 graded, 2 failed, ETA 0s" in text


def test_log_gets_one_line_per_student():
    stream = io.StringIO()
    progress = Progress(2, stream)
    progress.update("ann", "ok", "3/3")
    progress.update("ben", "timeout", "0/3")
    first, second = stream.getvalue().splitlines()
    assert first.startswith("[1/2 graded, 0 failed, ETA ") and first.endswith("] ann: ok, 3/3")
    assert second == "[2/2 graded, 1 failed, ETA 0s] ben: timeout, 0/3"
