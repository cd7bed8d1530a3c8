"""The one error hierarchy of collabmap.

The library raises; the command line and (later) the web application only translate these
errors into one clear line and an exit code or status. Every error says which input it is about.

::

    CollabmapError                 anything collabmap refuses to do
     ├─ InvalidInput               the input is wrong; nothing was changed (CLI exit code 2)
     │   ├─ InvalidDocument        a file or document breaks its format or schema; carries issues
     │   │   ├─ InvalidFramework   a framework file
     │   │   └─ InvalidProfile     a partnership profile
     │   ├─ ImportRefused          one file that cannot be imported (named, with the reason)
     │   ├─ UnknownName            a name (example, project, code …) that does not exist
     │   ├─ AlreadyExists          a name that is already taken
     │   └─ EditConflict           a change made from an out-of-date view (web: 409)
     ├─ AccessDenied               the user may not do this (web: 403)
     │   └─ SignInRefused          wrong name or password, or too many tries (web: 401 / 429)
     ├─ StoreError                 the database failed (unreachable, full, locked, corrupt)
     │   └─ StorageFull            the disk (or the database's size limit) is full (web: 507)
     └─ BrokenInstallation         a file collabmap ships with is missing or unreadable
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

__all__ = [
    "AccessDenied",
    "AlreadyExists",
    "BrokenInstallation",
    "Cancelled",
    "CollabmapError",
    "EditConflict",
    "ImportRefused",
    "InvalidDocument",
    "InvalidFramework",
    "InvalidInput",
    "InvalidProfile",
    "Issue",
    "SignInRefused",
    "StorageFull",
    "StoreError",
    "UnknownName",
]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in a document: where it is and what is wrong.

    ``path`` uses the notation people read in their own file, e.g.
    ``activities[0].phases.design.citizens``; an empty path means the whole document.
    ``line`` is 1-based and known when the document came from YAML or JSON text.
    """

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path or "(document)"
        if self.line is not None:
            where = f"line {self.line}, {where}"
        return f"{where}: {self.message}"


class CollabmapError(Exception):
    """Base class: anything collabmap refuses to do, with a message fit for a user."""


class InvalidInput(CollabmapError):
    """The input is wrong and nothing was changed."""


class InvalidDocument(InvalidInput):
    """A document (file or in-memory data) does not follow its format.

    ``source`` names the document (usually a file path) and ``issues`` lists every problem,
    so a user can fix them all in one pass rather than one per run.
    """

    kind = "document"

    def __init__(self, source: str, issues: list[Issue]) -> None:
        self.source = source
        self.issues = list(issues)
        super().__init__(self._summary())

    def _summary(self) -> str:
        if len(self.issues) == 1:
            return f"{self.source} is not a valid {self.kind}: {self.issues[0]}"
        lines = [f"{self.source} is not a valid {self.kind} ({len(self.issues)} problems):"]
        lines.extend(f"  - {issue}" for issue in self.issues)
        return "\n".join(lines)


class InvalidFramework(InvalidDocument):
    """A framework file that cannot be used."""

    kind = "framework"


class InvalidProfile(InvalidDocument):
    """A partnership profile that cannot be classified."""

    kind = "partnership profile"


class UnknownName(InvalidInput):
    """A name that collabmap does not know, with the names it does know.

    Up to :attr:`MAX_LISTED` known names are listed in the message. Beyond that only the close
    matches are, or, with none close, how many names there are and ``listing``: how to list
    them (a command, say); without one, the first few names show what they look like.
    """

    MAX_LISTED = 12

    def __init__(
        self, what: str, name: str, known: list[str] | None, *, listing: str | None = None
    ) -> None:
        self.what = what
        self.name = name
        self.known = list(known or [])
        message = f"unknown {what} {name!r}"
        if known is not None:
            close = difflib.get_close_matches(name, self.known, n=3, cutoff=0.6)
            if len(self.known) <= self.MAX_LISTED:
                message += f"; known: {', '.join(self.known) if self.known else 'none'}"
            elif close:
                message += f"; did you mean {', '.join(close)}?"
            else:
                message += f"; none of the {len(self.known):,} known is close; "
                message += listing or f"they include {', '.join(self.known[:3])} …"
        super().__init__(message)


class AlreadyExists(InvalidInput):
    """A name that is already taken (a project, a code …)."""

    def __init__(self, what: str, name: str) -> None:
        self.what = what
        self.name = name
        super().__init__(f"{what} {name!r} already exists")


class EditConflict(InvalidInput):
    """A change made from a view that is out of date: someone (or another window) changed the
    same thing since. Nothing was changed; the message says what to do."""


class ImportRefused(InvalidInput):
    """A file that cannot be imported; ``source`` names it and ``problem`` says why."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class AccessDenied(CollabmapError):
    """The signed-in user (or nobody) may not do this. The message says what was refused,
    never what exists beyond the user's reach."""


class SignInRefused(AccessDenied):
    """A sign-in that did not succeed; ``throttled`` when refused for too many failures."""

    def __init__(self, message: str, *, throttled: bool = False) -> None:
        self.throttled = throttled
        super().__init__(message)


class StoreError(CollabmapError):
    """The database could not do what was asked (unreachable, full, locked, corrupt)."""


class StorageFull(StoreError):
    """The database could not grow: its disk is full, or it reached its size limit. The
    operation was rolled back whole, so what was stored before is intact; freeing space is
    enough for work to resume."""


class BrokenInstallation(CollabmapError):
    """A file that collabmap or one of its pinned dependencies ships with (the text models'
    word vectors, say) is missing or unreadable: reinstalling is the remedy, not new input."""


class Cancelled(CollabmapError):
    """Work stopped because someone asked for it to stop (a report being built, say); raised
    from a progress callback between steps, so nothing half-done is kept."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)
