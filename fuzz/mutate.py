"""Structure-aware mutation: change a file the way a broken tool or an attacker would.

Flipping bytes in a zip archive mostly breaks its checksums, so the reader refuses it at the
door and the parsers inside are never reached. These mutators open the structure first: a zip
archive's members are renamed, dropped, duplicated, recompressed or rewritten (their XML
mutated element by element), XML is cut at tags and attributes, PDFs at their tokens, and text
formats at their lines, with each format's telling tokens (``-->``, YAML aliases, quotes) thrown
in. Raw byte mutation is still one choice among many, so the reader's outer checks are
exercised too.

The byte mutator is passed in: under atheris it is libFuzzer's own (``atheris.Mutate``), in the
property tests a small seeded one (:func:`flip_bytes`), so both draw on the same structure.
"""

from __future__ import annotations

import io
import random
import re
import warnings
import zipfile
from collections.abc import Callable

__all__ = ["ByteMutator", "flip_bytes", "mutate"]

ByteMutator = Callable[[bytes, int], bytes]
"""``(data, max_size) -> mutated data``: a format-blind mutation of bytes."""

INTERESTING_TEXT = [
    "",
    "0",
    "-1",
    "4294967296",
    "9" * 40,
    "1e999",
    "NaN",
    "-0.0",
    "\u0000",
    "\ufeff",
    "\ufffe",
    "\U0001f600",
    "e\u0301",
    "\u202e",
    "\r\n",
    "\r",
    "&amp;",
    "&#0;",
    "&#xFFFF;",
    "&unknown;",
    "]]>",
    "%s%n",
    "A" * 5000,
    "{00000000-0000-4000-8000-000000000002}",
    "00000000-0000-4000-8000-000000000003",
    "#zz",
    "2024-13-45T25:61:00Z",
]
"""Values that break naive readers: limits, encodings, entities, GUIDs, dates."""

_XML_INSERTS = [
    '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
    '<!DOCTYPE x SYSTEM "file:///etc/passwd">',
    "<?xml-stylesheet href='x'?>",
    "<!-- comment -->",
    "<![CDATA[<not a tag>]]>",
    "&a;",
    "<x:y xmlns:x='urn:x'/>",
    "</",
    "<",
    ">",
]
_ENCODINGS = ["UTF-16", "utf-32", "ISO-8859-1", "EBCDIC", "utf-7", "bogus", "UTF-8", "cp1252"]
_TAG_SPLIT = re.compile(rb"(<[^<>]*>)")
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')""")
_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?")
_PDF_TOKEN = re.compile(rb"(/[A-Za-z]+|-?\d+(?:\.\d+)?|<<|>>|\[|\]|\(|\)|obj|endobj|stream|R)")
_PDF_INSERTS = [
    b"/Encrypt 1 0 R",
    b"/Filter /FlateDecode",
    b"/Filter [/ASCIIHexDecode /LZWDecode /RunLengthDecode]",
    b"/DecodeParms << /Predictor 12 /Columns 99999 >>",
    b"/Length 999999999",
    b"/Kids [2 0 R 2 0 R]",
    b"/Parent 3 0 R",
    b"/Count 99999999",
    b"/Type /ObjStm /N 5 /First 0",
    b"/Prev 0",
    b"/XRefStm 9",
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    b"<<" * 200,
    b"q " * 300,
    b"(\\",
    b"1 0 R",
    b"BT /F1 1 Tf (x) Tj ET",
    b"Tf Tj TJ ' \" Td TD Tm T*",
]
_MAX_NEST = 5000


def flip_bytes(rng: random.Random) -> ByteMutator:
    """A small format-blind byte mutator drawing on ``rng``: flip, insert, delete, repeat."""

    def mutator(data: bytes, max_size: int) -> bytes:
        out = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            choice = rng.randrange(5)
            at = rng.randrange(len(out) + 1)
            if choice == 0 and out:
                out[min(at, len(out) - 1)] ^= 1 << rng.randrange(8)
            elif choice == 1:
                out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
            elif choice == 2:
                del out[at : at + rng.randint(1, 64)]
            elif choice == 3 and out:
                start = rng.randrange(len(out))
                out[at:at] = out[start : start + rng.randint(1, 64)] * rng.randint(1, 4)
            elif out:
                out[min(at, len(out) - 1)] = rng.choice([0x00, 0xFF, 0x7F, 0x80, 0x0A, 0x3C])
        return bytes(out[:max_size])

    return mutator


def mutate(data: bytes, rng: random.Random, raw: ByteMutator, max_size: int) -> bytes:
    """One to three structure-aware mutations of ``data``, no longer than ``max_size``."""
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        data = _once(data, rng, raw, max_size)
    return data[:max_size]


def _once(data: bytes, rng: random.Random, raw: ByteMutator, max_size: int) -> bytes:
    if rng.random() < 0.15:
        return raw(data, max_size)
    if data.startswith(b"PK"):
        mutated = mutate_zip(data, rng, raw, max_size)
        if mutated is not None:
            return mutated
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return mutate_xml(data, rng, raw, max_size)
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return mutate_pdf(data, rng, raw, max_size)
    return mutate_lines(data, rng, raw, max_size)


# --- zip archives (docx, xlsx, odt, qdpx) ---------------------------------------------------

_HOSTILE_NAMES = ["../evil.xml", "/abs.xml", "C:/x.xml", "a\\b.xml", "x\x00.xml", "", "dir/"]
_METHODS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]


def mutate_zip(data: bytes, rng: random.Random, raw: ByteMutator, max_size: int) -> bytes | None:
    """The archive with one member-level change, or None when ``data`` is no readable zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [
                [info.filename, archive.read(info), info.compress_type]
                for info in archive.infolist()
            ]
    except Exception:
        return None
    if not members:
        return None
    choice = rng.randrange(10)
    index = rng.randrange(len(members))
    if choice <= 4:  # rewrite one member, XML ones by structure
        name, body = members[index][0], members[index][1]
        assert isinstance(name, str) and isinstance(body, bytes)
        xml = name.endswith((".xml", ".rels", ".qde")) or body.lstrip().startswith(b"<")
        if xml and rng.random() < 0.8:
            members[index][1] = mutate_xml(body, rng, raw, max_size)
        else:
            members[index][1] = raw(body, max_size)
    elif choice == 5:
        del members[index]
    elif choice == 6:  # a copy, under the same name (a duplicate) or a hostile or new one
        copy = list(members[index])
        copy[0] = rng.choice([copy[0], rng.choice(_HOSTILE_NAMES), f"extra{rng.randrange(9)}.xml"])
        members.insert(rng.randrange(len(members) + 1), copy)
    elif choice == 7:
        members[index][0] = rng.choice([*_HOSTILE_NAMES, str(rng.choice(members)[0]).upper()])
    elif choice == 8:
        members[index][2] = rng.choice(_METHODS)
    else:  # reorder, or add a member that expands a lot (the bomb checks)
        if rng.random() < 0.5:
            rng.shuffle(members)
        else:
            members.append([f"big{rng.randrange(9)}.bin", b"\0" * rng.choice((10, 1_100_000)), 8])
    out = io.BytesIO()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duplicate names are deliberate
            with zipfile.ZipFile(out, "w") as archive:
                for name, body, method in members:
                    assert isinstance(name, str) and isinstance(body, bytes)
                    assert isinstance(method, int)
                    archive.writestr(zipfile.ZipInfo(name or "_"), body, compress_type=method)
    except Exception:
        return None
    result = out.getvalue()
    return result if len(result) <= max_size else None


# --- XML (office parts, project.qde, .qdc) --------------------------------------------------


def mutate_xml(data: bytes, rng: random.Random, raw: ByteMutator, max_size: int) -> bytes:
    """``data`` with one change at the level of tags, attributes, text or the prolog."""
    parts = _TAG_SPLIT.split(data)
    tags = [i for i, part in enumerate(parts) if part.startswith(b"<")]
    choice = rng.randrange(10)
    if not tags or choice == 0:
        return raw(data, max_size)
    i = rng.choice(tags)
    if choice == 1:  # drop a tag (unbalances the tree)
        del parts[i]
    elif choice == 2:  # repeat a run of parts (a repeated element or attribute)
        j = min(len(parts), i + rng.randint(1, 6))
        parts[j:j] = parts[i:j] * rng.randint(1, 3)
    elif choice == 3:  # swap two tags
        j = rng.choice(tags)
        parts[i], parts[j] = parts[j], parts[i]
    elif choice == 4:  # a text node becomes something awkward
        text_at = range(0, len(parts), 2)  # split() puts the text between tags at even places
        parts[rng.choice(text_at)] = rng.choice(INTERESTING_TEXT).encode("utf-8", "surrogatepass")
    elif choice in (5, 6):  # an attribute value becomes something awkward
        attributes = list(_ATTRIBUTE.finditer(parts[i]))
        if attributes:
            found = rng.choice(attributes)
            value = _interesting_value(found.group(2)[1:-1], rng)
            quote = found.group(2)[:1]
            start, end = found.span(2)
            parts[i] = parts[i][:start] + quote + value.replace(quote, b"") + quote + parts[i][end:]
    elif choice == 7:
        parts.insert(i, rng.choice(_XML_INSERTS).encode())
    elif choice == 8:  # deep nesting (recursion in the readers)
        depth = rng.choice((50, 500, _MAX_NEST))
        name = re.match(rb"</?([\w:.-]*)", parts[i])
        tag = (name.group(1) if name and name.group(1) else b"x")[:40]
        parts.insert(i + 1, (b"<" + tag + b">") * depth + (b"</" + tag + b">") * depth)
    else:  # change the declared encoding, or the declaration itself
        declaration = re.match(rb"(\xef\xbb\xbf)?<\?xml[^>]*\?>", data)
        encoding = rng.choice(_ENCODINGS).encode()
        head = b'<?xml version="1.0" encoding="' + encoding + b'"?>'
        body = data[declaration.end() :] if declaration else data
        return (head + body)[:max_size]
    return b"".join(parts)[:max_size]


def _interesting_value(current: bytes, rng: random.Random) -> bytes:
    """A replacement attribute value: a nearby or extreme number, or an awkward string."""
    number = _NUMBER.fullmatch(current)
    if number and len(current) < 20 and rng.random() < 0.7:
        value = int(current.partition(b".")[0] or b"0")
        return str(
            rng.choice([value + 1, value - 1, -value, value * 1000, 0, -1, 2**31, 2**63, 10**30])
        ).encode()
    return rng.choice(INTERESTING_TEXT).encode("utf-8", "surrogatepass")


# --- PDF --------------------------------------------------------------------------------------


def mutate_pdf(data: bytes, rng: random.Random, raw: ByteMutator, max_size: int) -> bytes:
    """``data`` with one change at the level of PDF tokens: numbers, names, objects, streams."""
    tokens = list(_PDF_TOKEN.finditer(data))
    choice = rng.randrange(7)
    if not tokens or choice == 0:
        return raw(data, max_size)
    found = rng.choice(tokens)
    start, end = found.span()
    if choice == 1 and _NUMBER.fullmatch(found.group()):
        replacement = _interesting_value(found.group(), rng)
    elif choice == 2:
        replacement = b" " + rng.choice(_PDF_INSERTS) + b" "
        start = end
    elif choice == 3:  # drop a token
        replacement = b""
    elif choice == 4:  # repeat a stretch of the file (duplicate objects, xref sections)
        length = rng.choice((16, 128, 1024))
        replacement = data[start : start + length] * rng.randint(2, 5)
        start = end = start + length
    elif choice == 5:  # another token in its place
        replacement = rng.choice(tokens).group()
    else:  # keep the end-of-file marker but cut the middle out
        cut = data[start : start + rng.choice((32, 256, 4096))]
        return (data.replace(cut, b"", 1) if cut else data)[:max_size]
    return (data[:start] + replacement + data[end:])[:max_size]


# --- line-based text (txt, vtt, srt, csv, yaml, json) -----------------------------------------

_TEXT_TOKENS = [
    b"-->",
    b" --> ",
    b"00:00:01.000 --> 00:00:00.500",
    b"99999999999999999999:00:00,000 --> 1:00:00,000",
    b"WEBVTT",
    b"NOTE",
    b"<v ",
    b"<v Jane>",
    b"</v>",
    b"{\\an8}",
    b"Jane Smith:",
    b":",
    b'"',
    b'""',
    b",",
    b";",
    b"\t",
    b"|",
    b"\r",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"&a [*a, *a, *a]",
    b"*a",
    b"<<: *a",
    b"!!python/object:os.system",
    b"!!binary AAAA",
    b"? ",
    b"- ",
    b"  ",
    b"[" * 2000,
    b"{" * 2000,
    b'{"a": ' * 1000,
    b"1" * 5000,
    b"1e99999",
    b"-0",
    b"null",
    b"true",
    b"~",
    b"2024-02-30",
    b"---",
    b"...",
    b"%YAML 1.1",
    b"\\u0000",
    b"\\ud800",
]
"""Tokens that mean something to one of the line-based formats, thrown in anywhere."""


def mutate_lines(data: bytes, rng: random.Random, raw: ByteMutator, max_size: int) -> bytes:
    """``data`` with one change at the level of lines or format tokens."""
    lines = data.split(b"\n")
    choice = rng.randrange(8)
    i = rng.randrange(len(lines))
    if choice == 0:
        return raw(data, max_size)
    if choice == 1:
        del lines[i]
    elif choice == 2:
        lines[i:i] = lines[i : i + rng.randint(1, 4)] * rng.randint(1, 3)
    elif choice == 3:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif choice in (4, 5):  # a token into a line, at a random place
        at = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:at] + rng.choice(_TEXT_TOKENS) + lines[i][at:]
    elif choice == 6:  # a number in a line becomes an extreme one
        numbers = list(_NUMBER.finditer(lines[i]))
        if numbers:
            found = rng.choice(numbers)
            value = _interesting_value(found.group(), rng)
            lines[i] = lines[i][: found.start()] + value + lines[i][found.end() :]
    else:  # change the indentation of a line (YAML structure)
        lines[i] = b" " * rng.choice((0, 1, 2, 3, 8)) + lines[i].lstrip(b" ")
    return b"\n".join(lines)[:max_size]
