"""The hardened reader refuses hostile or broken YAML and JSON with a message that says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from collabmap._documents import DocumentError, read_document


def _problem(text: str | bytes, name: str = "doc.yaml", **kwargs: int) -> str:
    with pytest.raises(DocumentError) as caught:
        read_document(name, text=text, **kwargs)
    return str(caught.value)


def test_yaml_values_remember_their_line() -> None:
    document = read_document("p.yaml", text="name: A\nlead:\n  sector: x\nlist:\n  - a\n  - b\n")
    assert document.data["lead"]["sector"] == "x"
    assert document.line_of("lead.sector") == 3
    assert document.line_of("list[1]") == 6
    assert document.line_of("lead.sector.missing") == 3


def test_json_is_read_and_lines_are_known() -> None:
    document = read_document("p.json", text='{\n  "name": "A",\n  "n": [1, 2]\n}')
    assert document.data == {"name": "A", "n": [1, 2]}
    assert document.line_of("n") == 3


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
    bomb += "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    message = _problem(bomb)
    assert "aliases" in message
    assert "line 2" in message


def test_tags_that_would_build_python_objects_are_refused() -> None:
    message = _problem("name: !!python/object/apply:os.system ['echo hacked']\n")
    assert "tags that construct objects are not allowed" in message
    assert "line 1" in message


def test_duplicate_keys_are_refused_rather_than_silently_overwritten() -> None:
    assert "'name' appears twice" in _problem("name: A\nscope: x\nname: B\n")
    assert "'name' appears twice" in _problem('{"name": "A", "name": "B"}', name="p.json")


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "y" * 2000)
    with pytest.raises(DocumentError, match="the limit is 1,000 bytes"):
        read_document(big, max_bytes=1000)


def test_deep_nesting_gives_a_message_not_a_crash() -> None:
    assert "nested too deeply" in _problem("[" * 50_000 + "]" * 50_000, max_bytes=10**6)
    assert "nested too deeply" in _problem(
        '{"a":' * 50_000 + "1" + "}" * 50_000, name="d.json", max_bytes=10**6
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"name: \xff\xfe bad", "not UTF-8 text"),
        ("name: a\x00b", "NUL bytes"),
        ("   \n\n", "the document is empty"),
        ("name: [unclosed\n", "not valid YAML"),
        ("? [a, b]\n: x\n", "a mapping key must be plain text"),
    ],
)
def test_broken_input_names_the_problem(text: str | bytes, expected: str) -> None:
    assert expected in _problem(text)


@pytest.mark.parametrize(
    "text", ["? !!set {a: null}\n: 1\n", "? !!omap [a: 1]\n: 1\n", "? {a: 1}\n: 1\n"]
)
def test_a_key_that_is_not_plain_text_is_refused_before_it_is_built(text: str) -> None:
    assert _problem(text) == "line 1, (document): a mapping key must be plain text"


def test_a_number_too_long_to_read_or_print_is_refused_with_its_line() -> None:
    too_long = "line 2, (document): a number is too long (more than 4,300 digits)"
    assert _problem("name: A\nsize: " + "9" * 5000 + "\n") == too_long
    assert (
        _problem("name: A\nsize: 0x" + "f" * 5000 + "\n") == too_long
    )  # fine to read, not to print
    assert _problem("name: A\n? " + "9" * 5000 + "\n: x\n") == too_long
    assert _problem('{"name": "A",\n "size": ' + "9" * 5000 + "}", name="d.json") == too_long
    assert read_document("p.yaml", text="n: " + "9" * 4300).data == {"n": int("9" * 4300)}
    assert read_document("p.json", text='{"n": ' + "9" * 4300 + "}").data == {"n": int("9" * 4300)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: A\nsince: 2020-02-30\n", "'2020-02-30' cannot be read as a date"),
        ("name: A\nsize: !!int abc\n", "'abc' cannot be read as a whole number"),
        ("name: A\nsize: !!float ''\n", "'' cannot be read as a number"),
        ("name: A\nopen: !!bool perhaps\n", "'perhaps' cannot be read as true or false"),
        ("name: A\nsince: !!timestamp soon\n", "'soon' cannot be read as a date"),
        ("name: A\nsizes: !!set [1]\n", "expected a mapping node, but found sequence"),
    ],
)
def test_a_value_that_cannot_be_what_it_looks_or_is_tagged_as_is_refused(
    text: str, expected: str
) -> None:
    problem = _problem(text)
    assert problem.startswith("line 2, (document): ") and expected in problem


def test_json_errors_name_json() -> None:
    assert "not valid JSON" in _problem('{"name": }', name="p.json")
    assert "not valid JSON" in _problem('{"name": }', name="from-an-api-call")


def test_missing_file_and_folder_are_named(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        read_document(tmp_path / "absent.yaml")
    with pytest.raises(DocumentError, match="folder"):
        read_document(tmp_path)


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    assert read_document("p.yaml", text="\ufeffname: A".encode()).data == {"name": "A"}
