"""stderr for people: progress, warnings, errors, and learn-backlog's progress bar."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from learnlib.usecases.backlog import Tick


def say(message: str) -> None:
    """Human words: stderr, never stdout."""
    print(message, file=sys.stderr, flush=True)


class Console:
    """stderr for people: progress (silenced by --quiet), warnings and errors (never silenced)."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    def progress(self, message: str) -> None:
        if not self.quiet:
            say(message)

    def warning(self, message: str) -> None:
        say(f"warning: {message}")

    def error(self, message: str, detail: str | None = None) -> None:
        """An `error:` line, and what to do when gh found no repository here."""
        from learnlib.tasks.render import repository_advice

        say(f"error: {message}" + (f" ({detail})" if detail else ""))
        if (advice := repository_advice(detail)) is not None:
            say(f"error: {advice}")

    def block(self, text: str) -> None:
        """A block of text (a diff), as it is."""
        sys.stderr.write(text if text.endswith("\n") or not text else text + "\n")
        sys.stderr.flush()


class ProgressBar:
    """learn-backlog's ticks: a one-line bar on a terminal, else plain lines (messages only)."""

    WIDTH = 24

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.bar = out.isatty()
        self.lock = threading.Lock()
        self.drawn = False

    def __call__(self, tick: Tick) -> None:
        with self.lock:
            if self.bar:
                self.out.write("\r\x1b[K")
                if tick.message:
                    self.out.write(tick.message + "\n")
                self.out.write(self.line(tick))
                self.drawn = True
            elif tick.message:
                self.out.write(f"[{tick.done}/{tick.total}] {tick.message}\n")
            self.out.flush()

    def line(self, tick: Tick) -> str:
        filled = self.WIDTH * tick.done // max(1, tick.total)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        text = (
            f"[{bar}] {tick.done}/{tick.total}  dispatched {tick.dispatched}  failed {tick.failed}"
        )
        if tick.waiting > 0:
            text += f"  waiting {tick.waiting:.0f} s for GitHub's rate limit"
        return text

    def close(self) -> None:
        with self.lock:
            if self.drawn:
                self.out.write("\n")
                self.out.flush()
                self.drawn = False
