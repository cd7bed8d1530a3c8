"""Cut normalised text into paragraphs, sentences and speaker turns.

Pure functions on a ``str``: no I/O, no state. Every importer runs its text through
:func:`normalise` first, so offsets mean the same thing everywhere (code points of LF text,
as REFI-QDA counts them). Speed matters because a study imports hundreds of long
transcripts at once: every scan is a compiled regex driven by ``finditer``, and Python code
runs once per paragraph, sentence candidate or line — never once per character.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from collabmap.evidence.model import Segment

__all__ = [
    "looks_like_transcript",
    "normalise",
    "paragraphs",
    "segment_text",
    "sentences",
    "speaker_turns",
    "split_label",
]

# C0 controls other than TAB and LF, plus DEL: they are invisible, break XML export and
# confuse offsets in other tools. CR is handled before this (it becomes LF).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]+")
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")

# A sentence ends at . ! ? or … (then closing quotes or brackets) and whitespace, unless the
# full stop closes an abbreviation, an initial ("J. Smith") or "No." before a number, or the
# next word starts in lower case. The exceptions are look-behinds placed after the first
# character so that the regex engine still jumps straight from one . ! ? … to the next.
# fmt: off
_ABBREVIATIONS = (
    "mr", "mrs", "ms", "mx", "dr", "prof", "rev", "hon", "sr", "jr", "st", "cllr", "sgt",
    "capt", "col", "gen", "lt", "gov", "sen", "rep", "fr", "e.g", "eg", "i.e", "ie", "etc",
    "cf", "vs", "viz", "al", "approx", "ca", "fig", "figs", "vol", "vols", "pp", "p", "para",
    "paras", "ch", "sec", "dept", "esp", "incl", "nb", "n.b",
)
# fmt: on
# One look-behind per length (a look-behind must have a fixed width).
_NOT_AFTER = "".join(
    rf"(?<!(?i:\b(?:{'|'.join(re.escape(a) for a in _ABBREVIATIONS if len(a) == n)})\.))"
    for n in sorted({len(a) for a in _ABBREVIATIONS})
)
_SENTENCE_END = re.compile(
    rf"[.!?…](?=[.!?…\"'”’»)\]]*\s){_NOT_AFTER}"
    r"(?<!\b[A-HJ-Z]\.)"  # an initial, but not "I."
    r"(?!(?<=\b[Nn]o\.)\s+\d)(?!(?<=\b[Nn]os\.)\s+\d)"  # "No. 5"
    r"[.!?…]*[\"'”’»)\]]*(?P<gap>\s++)(?![a-z])"
)

_TIME = r"[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?"
_WORD = r"[^\W\d_][\w'’.\-]*"
# A speaker label at the start of a line: optional timestamp, one to four words (the last
# may be a number, as in "Speaker 1"), optional timestamp, colon. Not "http://" or "R1:30".
_LABEL_BODY = (
    rf"[^\S\n]*(?P<lead>(?:{_TIME}[^\S\n]+)?"
    rf"(?P<label>{_WORD}(?:[ \t](?:{_WORD}|\d{{1,3}})){{0,3}})"
    rf"(?:[^\S\n]*[\[(]\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:[.,]\d{{1,3}})?[\])])?"
    r"[^\S\n]*:)(?!//)(?!\d)[^\S\n]*"
)
_LABEL = re.compile(_LABEL_BODY)
# The same after a newline: a literal first character lets finditer skip ahead quickly.
_LABEL_AFTER_NL = re.compile(r"\n" + _LABEL_BODY)
_BLANK_LINES = re.compile(r"\n[^\S\n]*(?=\n)")
_MAX_SPEAKERS = 20
# Labels that only interviews use: a short exchange with them is a transcript even before any
# speaker has spoken twice.
_INTERVIEW_LABEL = re.compile(
    r"(?:interviewer|interviewee|respondent|participant|facilitator|moderator|researcher"
    r"|speaker|[iqarp])(?:\s*\d{1,3})?",
)


def normalise(text: str) -> str:
    """Return ``text`` as collabmap stores it: LF line ends, no BOM or control codes, NFC.

    Offsets into stored text must survive a round trip through other tools, which count
    code points of LF-normalised text; invisible control codes would count there too.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.removeprefix("\ufeff")
    try:
        raw = text.encode("utf-8")  # fast, and controls are single bytes in UTF-8
    except UnicodeEncodeError:  # lone surrogates cannot be stored or exported
        text = _SURROGATES.sub("\ufffd", text)
        raw = text.encode("utf-8")
    if len(raw.translate(None, _CONTROL_BYTES)) != len(raw):
        text = _CONTROLS.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span ``start:end`` without surrounding whitespace, or None when it is blank."""
    chunk = text[start:end]
    stripped = chunk.lstrip()
    if not stripped:
        return None
    return start + len(chunk) - len(stripped), start + len(chunk.rstrip())


def _blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of ``text[start:end]`` separated by blank lines, trimmed of whitespace."""
    spans: list[tuple[int, int]] = []
    prev = start
    for m in _BLANK_LINE.finditer(text, start, end):
        span = _trimmed(text, prev, m.start())
        if span is not None:
            spans.append(span)
        prev = m.end()
    span = _trimmed(text, prev, end)
    if span is not None:
        spans.append(span)
    return spans


def paragraphs(text: str) -> list[Segment]:
    """Blocks of text separated by blank lines (lines holding only whitespace)."""
    return [Segment("paragraph", s, e) for s, e in _blocks(text, 0, len(text))]


def _sentences_in(text: str, start: int, end: int, out: list[Segment]) -> None:
    """Append the sentences of one paragraph (``start:end``, already trimmed) to ``out``."""
    first = start
    for m in _SENTENCE_END.finditer(text, start, end):
        nxt = m.end()
        if nxt >= end:
            break  # nothing follows within the paragraph
        char = text[nxt]
        if char > "\x7f" and char.islower():
            continue  # a lower-case continuation outside ASCII
        out.append(Segment("sentence", first, m.start("gap")))
        first = nxt
    out.append(Segment("sentence", first, end))


def sentences(text: str, within: list[Segment] | None = None) -> list[Segment]:
    """Sentences of ``text``, never crossing a paragraph boundary.

    ``within`` limits the search to those spans (speaker turns, say, so that a label is not
    part of the first sentence); blank lines inside a span still end a sentence. The spans
    should not overlap; they are taken in order of their start.
    """
    out: list[Segment] = []
    if within is None:
        regions = _blocks(text, 0, len(text))
    else:
        regions = []
        for seg in sorted(within, key=lambda s: (s.start, s.end)):
            regions.extend(_blocks(text, seg.start, seg.end))
    for s, e in regions:
        _sentences_in(text, s, e, out)
    return out


def split_label(line: str) -> tuple[str, str] | None:
    """Split ``"Jane Smith: hello"`` into ``("Jane Smith", "hello")``; None without a label."""
    m = _LABEL.match(line)
    if m is None:
        return None
    return m.group("label").strip(), line[m.end() :]


def speaker_turns(text: str) -> list[Segment] | None:
    """Speaker turns of a plain transcript, or None when the text does not look like one.

    A transcript is text where most paragraphs (or, without blank lines, most lines) start
    with a speaker label, and the labels come from a small set that repeats. Each turn spans
    what was said after the label, up to the next label; unlabelled lines continue the turn.
    """
    first = _LABEL.match(text)
    matches = [first] if first is not None else []
    matches.extend(_LABEL_AFTER_NL.finditer(text))
    if len(matches) < 2:
        return None
    counts = Counter(m.group("label").strip().casefold() for m in matches)
    if len(counts) > _MAX_SPEAKERS:
        return None
    repeated = sum(c for c in counts.values() if c > 1)
    conventional = all(_INTERVIEW_LABEL.fullmatch(label) for label in counts)
    if repeated * 2 < len(matches) and not conventional:
        return None  # labels that rarely repeat: a glossary or form, not a conversation
    lines = text.count("\n") + 1 - len(_BLANK_LINES.findall(text))
    if len(matches) * 2 < lines:
        # Not most lines: still a transcript if most paragraphs open with a label.
        starts = {m.start("lead") for m in matches}
        paras = _blocks(text, 0, len(text))
        labelled = sum(1 for s, _ in paras if s in starts)
        if labelled * 5 < len(paras) * 3:
            return None
    turns: list[Segment] = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start("lead") if i + 1 < len(matches) else len(text)
        span = _trimmed(text, m.end(), end)
        if span is not None:
            turns.append(Segment("speaker_turn", span[0], span[1], m.group("label").strip()))
    return turns or None


def segment_text(text: str) -> tuple[list[Segment], bool]:
    """All segments of a normalised text, and whether it is a transcript.

    Paragraphs always; speaker turns when detected; sentences within turns for transcripts
    (so a label is never part of a sentence), within paragraphs otherwise.
    """
    paras = paragraphs(text)
    turns = speaker_turns(text)
    if turns is None:
        return [*paras, *sentences(text, paras)], False
    return [*paras, *sentences(text, turns), *turns], True


_SAMPLE = 2_500


def looks_like_transcript(text: str) -> bool:
    """A quick answer from the opening of the text: does it look like a transcript?

    Used where the full segmentation is deferred (a store indexes segments on first use):
    the opening few thousand characters, cut at a line break, decide the source's kind.
    :func:`segment_text` gives the final answer when the whole text is segmented.
    """
    sample = text if len(text) <= _SAMPLE else text[: max(text.rfind("\n", 0, _SAMPLE), 1)]
    return speaker_turns(sample) is not None
