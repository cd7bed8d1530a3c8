"""A source's text cut into the pieces the workspace draws: each piece a run of text covered
by the same codings, carrying its offset, so the browser can turn a selection back into
code-point offsets without counting anything but the piece it lands in."""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

from collabmap.store.coding import CodingInfo
from collabmap.store.workspace import Block

__all__ = ["Piece", "ShownBlock", "shown_blocks"]


@dataclass(frozen=True)
class Piece:
    start: int
    text: str
    codings: tuple[int, ...]
    """Ids of the codings that cover this piece (empty: uncoded text)."""
    suggested: bool
    """Every coding over it is a suggestion waiting for review."""
    opens: tuple[CodingInfo, ...]
    """Codings that start here: their code names are shown before the piece."""


@dataclass(frozen=True)
class ShownBlock:
    block: Block
    pieces: list[Piece]


def shown_blocks(text: str, blocks: list[Block], codings: list[CodingInfo]) -> list[ShownBlock]:
    """Each block's pieces. Codings are bucketed by the blocks they overlap once, so a page
    with hundreds of codings costs a few operations per piece, not per coding × block."""
    starts = [b.start for b in blocks]
    per_block: list[list[CodingInfo]] = [[] for _ in blocks]
    for coding in codings:
        first = max(bisect.bisect_right(starts, coding.start) - 1, 0)
        for index in range(first, len(blocks)):
            block = blocks[index]
            if block.start >= coding.end:
                break
            if coding.start < block.end:
                per_block[index].append(coding)
    shown = []
    for block, inside in zip(blocks, per_block, strict=True):
        cuts = {block.start, block.end}
        for coding in inside:
            cuts.add(min(max(coding.start, block.start), block.end))
            cuts.add(min(max(coding.end, block.start), block.end))
        edges = sorted(cuts)
        pieces = []
        for a, z in itertools.pairwise(edges):
            over = [c for c in inside if c.start < z and a < c.end]
            pieces.append(
                Piece(
                    start=a,
                    text=text[a:z],
                    codings=tuple(c.id for c in over),
                    suggested=bool(over) and all(c.status == "suggested" for c in over),
                    opens=tuple(c for c in over if c.start == a or (a == block.start > c.start)),
                )
            )
        shown.append(ShownBlock(block, pieces))
    return shown
