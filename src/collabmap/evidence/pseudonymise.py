"""Pseudonymising interviewees' names in texts that leave collabmap (exports).

Interview transcripts are personal data. An export for a partner, an archive or another QDA
tool can replace each interviewee's name with a stable pseudonym ("Speaker 1", "Person 2") in
every text, while keeping every coded passage on the same words: positions are mapped from the
original text to the pseudonymised one.

Which names: every speaker label of a transcript that is not a role ("Interviewer", "R1",
"Facilitator" …), in order of first appearance, and any names the caller adds (the names people
are called by in the text, which no program can find reliably). Each is replaced wherever it
stands as a whole word, in any letter case. Pure: no input or output.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from collabmap.errors import InvalidInput
from collabmap.evidence.segment import speaker_turns

__all__ = ["Pseudonyms", "Replaced", "is_role_label"]

_ROLE = re.compile(
    r"^(?:(?:interviewer|interviewee|facilitator|moderator|researcher|chair|note[- ]?taker|"
    r"participant|respondent|speaker|question|answer|audience)(?:\s?\d{1,3})?|"
    r"[a-z]{0,3}\s?\d{1,3}|[qai])$",
    re.IGNORECASE,
)
_MAX_NAMES = 5_000
_MAX_NAME = 200


def is_role_label(label: str) -> bool:
    """Whether a speaker label names a role (kept) rather than a person (replaced)."""
    return bool(_ROLE.match(" ".join(label.split())))


@dataclass(frozen=True)
class Replaced:
    """A pseudonymised text, and where its original positions went."""

    text: str
    _old: list[int] = field(default_factory=list)
    """Start and end of each replaced name in the original text, in order."""
    _new: list[int] = field(default_factory=list)
    """The same boundaries in the new text."""

    def position(self, old: int, *, end: bool = False) -> int:
        """Where original position ``old`` is now. A position inside a replaced name moves
        to the start of its pseudonym (or, for the ``end`` of a span, its end), so a coded
        passage keeps covering the same words."""
        index = bisect.bisect_right(self._old, old)
        if index == 0:
            return old
        if index % 2 == 1:  # inside a replaced name (between its start and end)
            start_new, end_new = self._new[index - 1], self._new[index]
            if old == self._old[index - 1]:
                return start_new
            return end_new if end else start_new
        return old + self._new[index - 1] - self._old[index - 1]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.position(start), self.position(end, end=True)


class Pseudonyms:
    """Names and the pseudonyms that replace them, the same across a whole export."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        ordered = sorted(names, key=len, reverse=True)  # "Jane Smith" before "Jane"
        self._lookup = {name.casefold(): pseudonym for name, pseudonym in names.items()}
        self._pattern = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)",
                re.IGNORECASE,
            )
            if ordered
            else None
        )

    @classmethod
    def for_texts(cls, texts: Iterable[str], extra: Sequence[str] = ()) -> Pseudonyms:
        """Pseudonyms for the speakers of ``texts`` (transcripts; other texts have none) and
        for ``extra`` names: "Speaker N" for speakers, "Person N" for the others."""
        found: dict[str, str] = {}
        seen: set[str] = set()
        for text in texts:
            for turn in speaker_turns(text) or []:
                label = " ".join((turn.speaker or "").split())
                if label and not is_role_label(label) and label.casefold() not in seen:
                    seen.add(label.casefold())
                    found[label] = f"Speaker {len(found) + 1}"
        people = 0
        for name in extra:
            name = " ".join(name.split())
            if not name or name.casefold() in seen:
                continue
            if len(name) > _MAX_NAME:
                raise InvalidInput(f"a name to pseudonymise is too long ({len(name)} characters)")
            seen.add(name.casefold())
            people += 1
            found[name] = f"Person {people}"
        if len(found) > _MAX_NAMES:
            raise InvalidInput(f"at most {_MAX_NAMES:,} names can be pseudonymised at once")
        return cls(found)

    def replace(self, text: str) -> Replaced:
        """The text with every name replaced, and the map of positions."""
        if self._pattern is None:
            return Replaced(text)
        parts: list[str] = []
        old_marks: list[int] = []
        new_marks: list[int] = []
        last = 0
        length = 0
        for match in self._pattern.finditer(text):
            parts.append(text[last : match.start()])
            length += match.start() - last
            pseudonym = self._lookup[match.group(0).casefold()]
            old_marks += [match.start(), match.end()]
            new_marks += [length, length + len(pseudonym)]
            parts.append(pseudonym)
            length += len(pseudonym)
            last = match.end()
        parts.append(text[last:])
        return Replaced("".join(parts), old_marks, new_marks)

    def __len__(self) -> int:
        return len(self.names)
