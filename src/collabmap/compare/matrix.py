"""The framework matrix: partnerships × themes, each cell a summary with its evidence.

What NVivo calls a framework matrix and MAXQDA a summary grid. A cell holds the quotations
coded with the theme in the partnership's sources, what the partnership's profile says about
the theme, and a summary — written by an analyst, or else drafted here as an extractive
summary (the profile's answer first, then the quotations most central to the cell) and marked
as a draft. Pure: the store gathers the evidence, this module arranges and drafts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from collabmap.classify import Classification
from collabmap.classify._labels import label_of
from collabmap.compare._plain import plain_dict
from collabmap.framework import Framework, default_framework
from collabmap.profile import Profile

__all__ = [
    "Cell",
    "Matrix",
    "Quote",
    "Theme",
    "WrittenCell",
    "build_matrix",
    "draft_summary",
    "profile_answers",
]

DRAFT_AUTHOR = "collabmap (draft)"
_WORD = re.compile(r"[a-z][a-z'-]{2,}")
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "was",
        "were",
        "are",
        "have",
        "has",
        "had",
        "from",
        "they",
        "them",
        "their",
        "our",
        "not",
        "but",
        "which",
        "who",
        "what",
        "when",
        "will",
        "would",
        "can",
        "could",
        "into",
        "about",
        "been",
        "there",
        "than",
        "then",
        "also",
        "its",
        "more",
        "some",
        "such",
        "very",
        "just",
        "over",
        "only",
        "other",
    ]
)


@dataclass(frozen=True)
class Theme:
    """A column of the matrix: a code, its path and the group (sheet) it belongs to."""

    id: str
    label: str
    group: str
    concept: str | None = None


@dataclass(frozen=True)
class Quote:
    """A coded passage, with where it is, so a reader can go back to the source."""

    source: str
    start: int
    end: int
    text: str
    coder: str
    coding_id: int | None = None


@dataclass(frozen=True)
class WrittenCell:
    """A summary an analyst wrote (from the store)."""

    summary: str
    author: str | None
    status: str
    coding_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Cell:
    partnership: str
    theme: str
    summary: str
    drafted: bool
    status: str
    author: str | None
    quotes: tuple[Quote, ...] = ()
    answers: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.quotes and not self.answers and not self.summary

    def to_dict(self) -> dict[str, Any]:
        data = plain_dict(self)
        data["quotes"] = data.pop("quotes")  # after the answers, where JSON output has it
        return data


@dataclass(frozen=True)
class Matrix:
    themes: tuple[Theme, ...]
    partnerships: tuple[str, ...]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def cell(self, partnership: str, theme: str) -> Cell:
        return self.cells[(partnership, theme)]

    def groups(self) -> list[tuple[str, list[Theme]]]:
        """Themes by group, in first-seen order (one spreadsheet sheet per group)."""
        grouped: dict[str, list[Theme]] = {}
        for theme in self.themes:
            grouped.setdefault(theme.group, []).append(theme)
        return list(grouped.items())

    def to_records(self) -> list[dict[str, Any]]:
        """Long format: one row per cell (pandas-ready)."""
        labels = {t.id: t for t in self.themes}
        return [
            {
                "partnership": cell.partnership,
                "group": labels[cell.theme].group,
                "theme": labels[cell.theme].label,
                "summary": cell.summary,
                "status": cell.status,
                "author": cell.author or "",
                "drafted": cell.drafted,
                "quotes": len(cell.quotes),
            }
            for (partnership, theme_id), cell in self.cells.items()
            for theme in (labels[theme_id],)
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "themes": [
                {"id": t.id, "label": t.label, "group": t.group, "concept": t.concept}
                for t in self.themes
            ],
            "partnerships": list(self.partnerships),
            "cells": [cell.to_dict() for cell in self.cells.values()],
            "notes": list(self.notes),
        }


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def draft_summary(answers: Sequence[str], quotes: Sequence[str], *, max_quotes: int = 2) -> str:
    """An extractive summary: the profile's answers, then the most central quotations.

    A quotation is central when it shares many content words with the cell's other
    quotations (so an outlier is not chosen to stand for the rest); ties go to the earlier
    one. Nothing is paraphrased: every sentence is the partnership's or a source's own.
    Empty or blank answers and quotations are left out, so they never make a draft.
    """
    parts = [a.strip().rstrip(".") + "." for a in answers if a.strip()]
    # the same passage coded twice (two coders, say) is quoted once
    texts = list(dict.fromkeys(text for text in (" ".join(q.split()) for q in quotes) if text))
    vocab = [_words(text) for text in texts]
    scored = []
    for index, words in enumerate(vocab):
        others = (
            set().union(*(v for j, v in enumerate(vocab) if j != index))
            if len(vocab) > 1
            else set()
        )
        scored.append((-len(words & others), -min(len(words), 30), index))
    for _, _, index in sorted(scored)[:max_quotes]:
        text = texts[index]
        if len(text) > 300:
            text = text[:297].rsplit(" ", 1)[0] + "…"
        parts.append(f"\u201c{text}\u201d")
    return " ".join(parts)


def profile_answers(
    concept: str | None,
    profile: Profile | None,
    result: Classification | None,
    *,
    framework: Framework | None = None,
) -> list[str]:
    """What a partnership's profile and classification say about one framework concept.

    For a structure, its fit is given when it is the partnership's classification or fits at
    least as well as the framework's minimum fit (``classification.min_fit``); a weaker fit
    says nothing about the partnership. ``framework`` is the shipped one by default.
    """
    if concept is None or profile is None or result is None or ":" not in concept:
        return []
    fw = framework or default_framework()
    kind, value = concept.split(":", 1)
    if kind == "activity":
        return [
            f"{a.name}"
            + (f" (called \u2018{a.called}\u2019)" if a.called else "")
            + (": a rhetoric mismatch" if a.rhetoric_mismatch else "")
            for a in result.activities
            if a.category == value
        ]
    if kind == "rationale":
        return [
            (r.statement or label_of(fw, "rationales", value, lower=False))
            + (" — justified" if r.justified else " — no mechanism stated")
            for r in result.rationales
            if r.code == value
        ]
    if kind == "accountability":
        open_flags = [f for f in result.accountability_flags if f.concern == value]
        answered = [a for a in result.accountability_answered if a.concern == value]
        lines = [f"Open for {f.activity}" for f in open_flags if f.activity]
        lines += [f"Answered by {a.mechanism}" for a in answered]
        return lines
    if kind == "structure":
        score = result.structure.scores.get(value)
        if score is None or (result.structure.label != value and score < fw.classification.min_fit):
            return []
        chosen = " (its classification)" if result.structure.label == value else ""
        return [f"Fit {score:.2f}{chosen}"]
    if kind == "practice":
        return ["Listed in the profile"] if value in profile.practices else []
    return []


def build_matrix(
    themes: Sequence[Theme],
    partnerships: Sequence[str],
    quotes: Mapping[tuple[str, str], Sequence[Quote]],
    *,
    profiles: Mapping[str, Profile] | None = None,
    results: Mapping[str, Classification] | None = None,
    written: Mapping[tuple[str, str], WrittenCell] | None = None,
    framework: Framework | None = None,
) -> Matrix:
    """Arrange the evidence into cells; draft a summary where no analyst has written one.

    ``framework`` (the shipped one by default) words the profile's answers in each cell.
    """
    fw = framework or default_framework()
    profiles = profiles or {}
    results = results or {}
    written = written or {}
    cells: dict[tuple[str, str], Cell] = {}
    for partnership in partnerships:
        for theme in themes:
            key = (partnership, theme.id)
            cell_quotes = tuple(quotes.get(key, ()))
            answers = tuple(
                profile_answers(
                    theme.concept,
                    profiles.get(partnership),
                    results.get(partnership),
                    framework=fw,
                )
            )
            if key in written:
                done = written[key]
                if done.coding_ids:  # the analyst chose the evidence for this summary
                    chosen = set(done.coding_ids)
                    cell_quotes = tuple(q for q in cell_quotes if q.coding_id in chosen)
                cells[key] = Cell(
                    partnership,
                    theme.id,
                    done.summary,
                    False,
                    done.status,
                    done.author,
                    cell_quotes,
                    answers,
                )
                continue
            summary = draft_summary(answers, [q.text for q in cell_quotes])
            cells[key] = Cell(
                partnership,
                theme.id,
                summary,
                bool(summary),
                "drafted" if summary else "empty",
                DRAFT_AUTHOR if summary else None,
                cell_quotes,
                answers,
            )
    notes = []
    if not partnerships:
        notes.append("No partnerships in the project yet.")
    if not themes:
        notes.append("No themes chosen.")
    empty = sum(1 for c in cells.values() if c.empty)
    if cells and empty:
        notes.append(f"{empty} of {len(cells)} cells have no evidence or answers yet.")
    return Matrix(tuple(themes), tuple(partnerships), cells, tuple(notes))
