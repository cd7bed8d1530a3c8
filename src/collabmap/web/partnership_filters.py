"""Filtering a project's partnership list: the same filters for the page and the API."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Query

from collabmap.web._data import ClassifiedPartnership

__all__ = ["PAGE_SIZE", "PartnershipFilter"]

PAGE_SIZE = 50


@dataclass
class PartnershipFilter:
    """``structure``: a structure label; ``q``: words in the name or place; ``mismatch``:
    only partnerships with a rhetoric mismatch; ``flagged``: only those with accountability
    flags; ``page``: which page of 50."""

    structure: str = Query("", max_length=100)
    q: str = Query("", max_length=200)
    mismatch: bool = Query(False)
    flagged: bool = Query(False)
    page: int = Query(1, ge=1, le=100_000)

    def apply(self, rows: list[ClassifiedPartnership]) -> list[ClassifiedPartnership]:
        words = self.q.casefold().split()
        found = []
        for row in rows:
            if self.structure and row.label != self.structure:
                continue
            if self.mismatch and not row.mismatches:
                continue
            if self.flagged and not row.flags:
                continue
            if words:
                text = f"{row.name} {row.place or ''}".casefold()
                if not all(word in text for word in words):
                    continue
            found.append(row)
        return found

    def query(self) -> dict[str, str]:
        values = {
            "structure": self.structure,
            "q": self.q,
            "mismatch": "true" if self.mismatch else "",
            "flagged": "true" if self.flagged else "",
            "page": str(self.page) if self.page > 1 else "",
        }
        return {k: v for k, v in values.items() if v}
