"""One error type for everything a user can get wrong, and one way to print it.

Every problem names the file, the line when there is one, what is wrong and
what to do about it. The same object is printed in the terminal and shown in
the preview's error overlay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Problem:
    message: str
    path: Path | str | None = None
    line: int | None = None
    hint: str = ""
    severity: str = "error"  # or "warning"

    def location(self) -> str:
        """file:line, with any control character or undecodable byte in the
        file name escaped, so the message stays on one line."""
        if self.path is None:
            return ""
        path = str(self.path)
        if not path.isprintable() or any("\udc80" <= ch <= "\udcff" for ch in path):
            path = path.encode("unicode_escape", "backslashreplace").decode("ascii")
        return f"{path}:{self.line}" if self.line else path

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.severity}: {self.message}" if where else f"{self.severity}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "file": str(self.path) if self.path is not None else None,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
        }


class BuildError(Exception):
    """One or more errors that stop the build. Nothing has been written."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Superseded(Exception):
    """A preview rebuild stopped because a newer change came while it ran
    (BuildState.go_on): not a failure. It stops only after showing the
    saved articles' rebuilt pages and before touching the output, so the
    last good site stays live and the next rebuild, which reads the newer
    change, begins at once instead of after the rest of this one (at
    10,000 articles the planning, rendering and writing that follow the
    early pages take some ten seconds)."""


@dataclass
class Report:
    """Warnings collected during a build (errors are raised as BuildError)."""

    warnings: list[Problem] = field(default_factory=list)

    def warn(self, message: str, path=None, line=None, hint: str = "") -> None:
        self.warnings.append(Problem(message, path, line, hint, severity="warning"))
