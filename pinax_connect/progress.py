"""Progress reporting for long management commands.

A tqdm bar when the output is a terminal, plain lines otherwise (cron, CI, logs).
"""
import sys
from typing import Any

from tqdm import tqdm


class Progress:
    """Counts objects handled; call the instance with the number done since last call."""

    def __init__(self, label: str, *, stream: Any = None, verbosity: int = 1, total: int | None = None) -> None:
        self.label, self.done, self.verbosity = label, 0, verbosity
        self.stream = stream or sys.stdout
        isatty = getattr(self.stream, "isatty", lambda: False)()
        self.bar = tqdm(total=total, desc=label, unit="obj", file=self.stream) if isatty and verbosity else None

    def __call__(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.verbosity >= 2:
            self.stream.write(f"{self.label}: {self.done}\n")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
