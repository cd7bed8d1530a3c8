"""Hostile and broken .qdpx files are refused by name and reason, and nothing is unpacked.

Every test runs in an empty working directory that must stay empty, and checks that no file
escaped the archive (``../evil``, absolute names): reading never extracts anything.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from collabmap.errors import ImportRefused
from collabmap.evidence.refi import RefiLimits, read_qdc, read_qdpx
from tests.evidence.refi_support import QC_DEMO, make_qdpx, qde, require

GOOD_QDE = qde(
    '<Sources><TextSource guid="00000000-0000-4000-8000-000000000001" plainTextPath="internal://a.txt"/></Sources>'
)
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>"""


@pytest.fixture(autouse=True)
def nothing_is_unpacked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    yield
    assert list(workdir.iterdir()) == []
    assert not [p for p in tmp_path.parent.iterdir() if p.name.startswith("evil")]
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith("evil")]
    assert not Path("/tmp/evil-collabmap.txt").exists()


def refused(path: Path, limits: RefiLimits | None = None) -> str:
    """The problem ``read_qdpx`` gives for ``path``; it must name the file."""
    with pytest.raises(ImportRefused) as caught:
        read_qdpx(path, limits=limits)
    assert caught.value.source == str(path)
    assert str(path) in str(caught.value)
    return caught.value.problem


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "sources/../../evil.txt",
        "/tmp/evil-collabmap.txt",
        "C:\\evil.txt",
        "..\\evil.txt",
    ],
)
def test_a_member_named_outside_the_archive_is_refused(tmp_path: Path, name: str) -> None:
    path = make_qdpx(
        tmp_path / "escape.qdpx", {"project.qde": GOOD_QDE, "sources/a.txt": "a", name: "gotcha"}
    )
    assert refused(path) == f"member name {name!r} points outside the archive"


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    path = make_qdpx(
        tmp_path / "bomb.qdpx",
        {"project.qde": GOOD_QDE, "sources/a.txt": b"\0" * (40 * 1024 * 1024)},
    )
    problem = refused(path)
    assert "'sources/a.txt' expands" in problem and "zip bomb" in problem


def test_an_archive_that_unpacks_beyond_the_total_limit_is_refused(tmp_path: Path) -> None:
    limits = RefiLimits(max_uncompressed_bytes=100_000)
    assert (
        refused(require(QC_DEMO), limits)
        == "unpacks to more than 100000 bytes; this looks like a zip bomb"
    )


def test_sizes_in_refusals_are_decimal_megabytes_as_the_limits_count_them(
    tmp_path: Path,
) -> None:
    text = random.Random(0).randbytes(2_000_000).hex()[:2_000_000]  # does not compress away
    path = make_qdpx(tmp_path / "big.qdpx", {"project.qde": GOOD_QDE, "sources/a.txt": text})
    limits = RefiLimits(max_uncompressed_bytes=1_500_000)
    assert refused(path, limits) == "unpacks to more than 1.5 MB; this looks like a zip bomb"


def test_an_archive_with_too_many_members_is_refused(tmp_path: Path) -> None:
    assert (
        refused(require(QC_DEMO), RefiLimits(max_members=2))
        == "has 3 members; at most 2 are accepted"
    )


def test_a_project_qde_beyond_the_xml_limit_is_refused(tmp_path: Path) -> None:
    assert (
        refused(require(QC_DEMO), RefiLimits(max_xml_bytes=1000))
        == "member 'project.qde' is larger than 1000 bytes"
    )


@pytest.mark.parametrize(
    ("document", "declares"),
    [(BILLION_LAUGHS, "a DTD"), (EXTERNAL_ENTITY, "a DTD")],
    ids=["billion-laughs", "external-entity"],
)
def test_xml_with_a_dtd_or_entities_is_refused(
    tmp_path: Path, document: str, declares: str
) -> None:
    path = make_qdpx(tmp_path / "dtd.qdpx", {"project.qde": document})
    assert (
        refused(path)
        == f"project.qde declares {declares}; XML with a DTD or entities is not accepted"
    )


def test_a_codebook_with_a_dtd_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "laughs.qdc"
    path.write_text(BILLION_LAUGHS.replace("Project", "CodeBook"), encoding="utf-8")
    with pytest.raises(ImportRefused, match="XML with a DTD or entities is not accepted"):
        read_qdc(path)


def test_a_truncated_archive_is_refused(tmp_path: Path) -> None:
    data = require(QC_DEMO).read_bytes()
    path = tmp_path / "truncated.qdpx"
    path.write_bytes(data[: len(data) // 2])
    assert refused(path).startswith("is not a zip archive, or is damaged or truncated")


def test_a_damaged_member_is_refused(tmp_path: Path) -> None:
    path = make_qdpx(
        tmp_path / "damaged.qdpx", {"project.qde": GOOD_QDE * 50, "sources/a.txt": "a"}
    )
    data = bytearray(path.read_bytes())
    data[60:80] = b"\xff" * 20  # inside the compressed project.qde
    path.write_bytes(bytes(data))
    assert refused(path).startswith("member 'project.qde' is damaged")


@pytest.mark.parametrize(
    "method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=str
)
def test_a_damaged_member_is_refused_whatever_its_compression(tmp_path: Path, method: int) -> None:
    """Found by fuzzing: a damaged LZMA stream escaped as lzma.LZMAError."""
    path = tmp_path / "damaged.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", GOOD_QDE * 20, compress_type=method)
    data = bytearray(path.read_bytes())
    data[50:70] = b"\xff" * 20  # inside the compressed project.qde
    path.write_bytes(bytes(data))
    assert refused(path).startswith("member 'project.qde' is damaged")


def test_an_archive_needing_a_newer_zip_version_is_refused(tmp_path: Path) -> None:
    """Found by fuzzing: zipfile's NotImplementedError ("zip file version 21.5") escaped."""
    path = make_qdpx(tmp_path / "future.qdpx", {"project.qde": GOOD_QDE, "sources/a.txt": "a"})
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 6] = 215  # "version needed to extract" of the first member: 21.5
    path.write_bytes(bytes(data))
    assert refused(path) == "is a zip archive Python cannot read (zip file version 21.5)"


def test_a_file_that_is_not_a_zip_at_all_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.qdpx"
    path.write_text("just some notes", encoding="utf-8")
    assert refused(path).startswith("is not a zip archive")
    assert refused(tmp_path / "absent.qdpx") == "file not found"


def test_an_archive_without_project_qde_is_refused(tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "empty.qdpx", {"sources/a.txt": "a", "readme.md": "hi"})
    assert refused(path) == "the archive has no project.qde"


@pytest.mark.parametrize("document", ["not xml at all", "<Project name='x'>", "\x00\x01", ""])
def test_a_project_qde_that_is_not_xml_is_refused(tmp_path: Path, document: str) -> None:
    path = make_qdpx(tmp_path / "garbage.qdpx", {"project.qde": document})
    assert refused(path).startswith("project.qde is not well-formed XML (")


@pytest.mark.parametrize(
    ("encoding", "why"),
    [
        ("bogus", "unknown encoding: bogus"),
        ("rot13", "'rot13' is not a text encoding"),
        ("shift_jis", "multi-byte encodings are not supported"),
    ],
)
def test_a_project_qde_declaring_an_unusable_encoding_is_refused(
    tmp_path: Path, encoding: str, why: str
) -> None:
    document = f'<?xml version="1.0" encoding="{encoding}"?>\n' + GOOD_QDE
    path = make_qdpx(tmp_path / "encoding.qdpx", {"project.qde": document})
    problem = refused(path)
    assert problem.startswith("project.qde is not well-formed XML (") and why in problem
    codebook = tmp_path / "encoding.qdc"
    codebook.write_text(document, encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"encoding\.qdc is not well-formed XML"):
        read_qdc(codebook)


def test_a_declared_encoding_is_quoted_only_in_part(tmp_path: Path) -> None:
    document = f'<?xml version="1.0" encoding="{"x" * 5000}"?>\n' + GOOD_QDE
    path = make_qdpx(tmp_path / "long.qdpx", {"project.qde": document})
    assert len(refused(path)) < 300


def test_a_project_qde_whose_root_is_not_project_is_refused(tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "html.qdpx", {"project.qde": "<html><body/></html>"})
    assert refused(path) == "project.qde has <html>, not <Project>"


def test_an_encrypted_member_is_refused(tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "locked.qdpx", {"project.qde": GOOD_QDE, "sources/a.txt": "secret"})
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")  # zipfile cannot write encrypted members: set the flag by hand
    while at != -1:
        name_length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_length] == b"sources/a.txt":
            data[at + 8] |= 0x1  # general purpose flag bit 0: encrypted
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    assert refused(path) == "member 'sources/a.txt' is encrypted"


def test_a_selection_beyond_the_end_of_its_text_is_refused(tmp_path: Path) -> None:
    body = (
        '<Sources><TextSource guid="00000000-0000-4000-8000-000000000001" name="minutes" plainTextPath="internal://a.txt">'
        '<PlainTextSelection guid="00000000-0000-4000-8000-000000000002" startPosition="2" endPosition="99"/>'
        "</TextSource></Sources>"
    )
    path = make_qdpx(
        tmp_path / "range.qdpx", {"project.qde": qde(body), "sources/a.txt": "short text"}
    )
    assert refused(path) == (
        "source 'minutes': selection 00000000-0000-4000-8000-000000000002 (2–99) is out of range; the text has 10 characters"
    )


@pytest.mark.parametrize(("start", "end"), [("5", "3"), ("-1", "3"), ("one", "3"), (None, "3")])
def test_a_selection_with_backwards_negative_or_missing_positions_is_refused(
    tmp_path: Path, start: str | None, end: str
) -> None:
    position = "" if start is None else f'startPosition="{start}" '
    body = (
        '<Sources><TextSource guid="00000000-0000-4000-8000-000000000001" name="minutes" plainTextPath="internal://a.txt">'
        f'<PlainTextSelection guid="00000000-0000-4000-8000-000000000002" {position}endPosition="{end}"/>'
        "</TextSource></Sources>"
    )
    path = make_qdpx(
        tmp_path / "range.qdpx", {"project.qde": qde(body), "sources/a.txt": "short text"}
    )
    assert refused(path).startswith(
        "source 'minutes': selection 00000000-0000-4000-8000-000000000002 "
    )


def test_a_source_whose_text_file_is_missing_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "missing.qdpx", {"project.qde": GOOD_QDE})
    assert (
        refused(path)
        == "source 'a' refers to 'internal://a.txt', but the archive has no sources/a.txt"
    )


@pytest.mark.parametrize(
    "where", ["/etc/passwd", "file:///etc/passwd", "C:\\Users\\x\\a.txt", "../a.txt"]
)
def test_a_source_whose_text_lies_outside_the_archive_is_refused_without_reading_it(
    tmp_path: Path, where: str
) -> None:
    body = f'<Sources><TextSource guid="00000000-0000-4000-8000-000000000001" name="t" plainTextPath="{where}"/></Sources>'
    path = make_qdpx(tmp_path / "outside.qdpx", {"project.qde": qde(body)})
    assert (
        refused(path)
        == f"source 't' refers to {where!r}, outside the archive; export with sources embedded"
    )


def test_a_source_text_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = make_qdpx(
        tmp_path / "latin1.qdpx",
        {"project.qde": GOOD_QDE, "sources/a.txt": "café".encode("latin-1")},
    )
    assert refused(path).startswith("source 'a' (sources/a.txt) is not UTF-8 text")


def test_a_truncated_utf16_source_text_is_refused_as_utf16(tmp_path: Path) -> None:
    path = make_qdpx(
        tmp_path / "cut.qdpx",
        {"project.qde": GOOD_QDE, "sources/a.txt": "Hello".encode("utf-16")[:-1]},
    )
    assert (
        refused(path)
        == "source 'a' (sources/a.txt) is not valid UTF-16 text (bad bytes at offset 10)"
    )


def test_codes_nested_beyond_the_depth_limit_are_refused(tmp_path: Path) -> None:
    codes = "".join(
        f'<Code guid="00000000-0000-4000-8000-00000000000{i}" name="c{i}" isCodable="true">'
        for i in range(5)
    )
    body = f"<CodeBook><Codes>{codes}{'</Code>' * 5}</Codes></CodeBook>"
    path = make_qdpx(tmp_path / "deep.qdpx", {"project.qde": qde(body)})
    assert refused(path, RefiLimits(max_code_depth=3)) == "codes nest deeper than 3"
