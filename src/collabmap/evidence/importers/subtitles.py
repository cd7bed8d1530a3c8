"""Subtitle transcripts (WebVTT and SRT), as produced by Teams, Zoom, Otter and Whisper.

Cue numbers and timestamps are dropped: they are navigation, not evidence. Speakers come
from WebVTT voice tags (``<v Jane Smith>``) or a leading "Name:" label, and consecutive
cues by the same speaker merge into one turn, because recording tools cut cues every few
seconds mid-sentence and a coder wants to code what a person said, not a caption. A cue
without a speaker continues the previous speaker's turn; with no speakers at all, a pause
of two seconds or more starts a new paragraph.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from collabmap.errors import ImportRefused
from collabmap.evidence.model import ImportedSource, Segment
from collabmap.evidence.segment import normalise, paragraphs, sentences, split_label

__all__ = ["SRT_MEDIA_TYPE", "VTT_MEDIA_TYPE", "looks_like_srt", "looks_like_vtt", "read_subtitles"]

VTT_MEDIA_TYPE = "text/vtt"
SRT_MEDIA_TYPE = "application/x-subrip"

# hours are bounded (a billion of them is plenty) so that no timing needs a huge integer
_TIME = r"(?:(\d{1,9}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(rf"\s*{_TIME}\s*-->\s*{_TIME}")
_SRT_START = re.compile(rf"\s*\d+[^\S\n]*\n{_TIME}\s*-->")
_BLOCK_SEP = re.compile(r"\n(?:[^\S\n]*\n)+")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_SPACES = re.compile(r"\s+")
_PAUSE = 2.0  # seconds of silence that start a new paragraph when speakers are unknown


def looks_like_vtt(text: str) -> bool:
    """WebVTT files must start with the word WEBVTT."""
    return text.startswith("WEBVTT") and (len(text) == 6 or text[6] in " \t\n")


def looks_like_srt(text: str) -> bool:
    """SRT files start with a cue number and a timing line."""
    return _SRT_START.match(text) is not None


@dataclass(slots=True)
class _Turn:
    speaker: str | None
    start: float
    end: float
    texts: list[str] = field(default_factory=list)


def _seconds(groups: tuple[str | None, ...]) -> float:
    hours, minutes, secs, millis = (int(g) if g else 0 for g in groups)
    return hours * 3600 + minutes * 60 + secs + millis / 1000


def _payload(lines: list[str]) -> tuple[str | None, str]:
    """The speaker (voice tag or label) and the plain text of a cue's lines."""
    raw = " ".join(lines)
    voice = _VOICE.search(raw)
    speaker = normalise(html.unescape(voice.group(1))).strip() if voice else None
    spoken = normalise(_SPACES.sub(" ", html.unescape(_TAG.sub("", raw)))).strip()
    if speaker is None:
        labelled = split_label(spoken)
        if labelled is not None:
            speaker, spoken = labelled[0], labelled[1].strip()
    return speaker or None, spoken


def _turns(text: str, vtt: bool) -> tuple[list[_Turn], int]:
    """Cues merged into turns, and the number of blocks that were not cues."""
    turns: list[_Turn] = []
    skipped = 0
    blocks = _BLOCK_SEP.split(text.strip())
    if vtt:  # the WEBVTT header block goes; a first cue written with no blank line stays
        header = blocks[0].split("\n")
        cue = next((i for i, line in enumerate(header) if i and "-->" in line), None)
        blocks = blocks[1:] if cue is None else ["\n".join(header[cue:]), *blocks[1:]]
    for block in blocks:
        lines = block.strip("\n").split("\n")
        if vtt and lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        match = _TIMING.match(lines[timing]) if timing is not None else None
        if timing is None or match is None:
            if turns:  # a stray blank line inside a cue's text
                turns[-1].texts.append(_payload(lines)[1])
            else:
                skipped += 1
            continue
        start, end = _seconds(match.groups()[:4]), _seconds(match.groups()[4:])
        speaker, spoken = _payload(lines[timing + 1 :])
        if not spoken:
            continue
        last = turns[-1] if turns else None
        if last is not None and (
            (speaker is not None and last.speaker is not None and speaker == last.speaker)
            or (speaker is None and last.speaker is not None)
            or (speaker is None and last.speaker is None and start - last.end < _PAUSE)
        ):
            last.texts.append(spoken)
            last.end = max(last.end, end)
        else:
            turns.append(_Turn(speaker, start, end, [spoken]))
    return turns, skipped


def read_subtitles(raw: str, notes: list[str], source: str, name: str) -> list[ImportedSource]:
    """One transcript from decoded WebVTT or SRT text, with its segments filled in."""
    warnings = list(notes)
    vtt = looks_like_vtt(raw)
    if not vtt and not looks_like_srt(raw):
        raise ImportRefused(source, "is neither WebVTT (no WEBVTT header) nor SRT subtitles")
    turns, skipped = _turns(raw, vtt)
    if not turns:
        raise ImportRefused(source, "has no subtitle cues with text")
    if skipped:
        warnings.append(f"{skipped} block(s) that were not subtitle cues were left out")
    pieces: list[str] = []
    spans: list[Segment] = []
    offset = 0
    for turn in turns:
        utterance = " ".join(t for t in turn.texts if t)
        prefix = f"{turn.speaker}: " if turn.speaker else ""
        spans.append(
            Segment(
                "speaker_turn", offset + len(prefix), offset + len(prefix + utterance), turn.speaker
            )
        )
        pieces.append(prefix + utterance)
        offset += len(prefix) + len(utterance) + 2
    text = "\n\n".join(pieces)
    has_speakers = any(turn.speaker for turn in turns)
    segments = [*paragraphs(text), *sentences(text, spans)]
    if has_speakers:
        segments.extend(spans)
    media_type = VTT_MEDIA_TYPE if vtt else SRT_MEDIA_TYPE
    return [ImportedSource(name, text, "transcript", media_type, segments, warnings=warnings)]
