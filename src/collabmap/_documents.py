"""Reading YAML and JSON documents that people write by hand, safely.

Profiles and framework files come from council officers and research teams, and may come from
anyone. So the reader refuses what could hurt (aliases that expand into billions of nodes, tags
that would build Python objects, huge or deeply nested files, duplicate keys that silently
overwrite an answer) and remembers the line of every value so messages can point at it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from collabmap.errors import Issue

__all__ = ["DEFAULT_MAX_BYTES", "Document", "DocumentError", "read_document"]

DEFAULT_MAX_BYTES = 1_000_000
"""Largest document accepted by default: far above any real profile or framework file."""
_INT_TAG = "tag:yaml.org,2002:int"
_KINDS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "timestamp": "a date",
}


class DocumentError(Exception):
    """Raised by the reader with one issue; callers wrap it in their own error type."""

    def __init__(self, issue: Issue) -> None:
        self.issue = issue
        super().__init__(str(issue))


@dataclass(frozen=True)
class Document:
    """Parsed data plus the line on which each path starts (for messages)."""

    data: Any
    lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, path: str) -> int | None:
        """The line of ``path`` or of its nearest ancestor that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = _parent(path)


def _parent(path: str) -> str:
    if path.endswith("]"):
        return path[: path.rindex("[")]
    if "." in path:
        return path[: path.rindex(".")]
    return ""


def _too_long(number: int) -> bool:
    """Whether ``number`` has more digits than Python will convert to or from text.

    Such a number cannot even be shown in a message, so it is refused where it is read.
    """
    limit = sys.get_int_max_str_digits()  # 0: no limit
    return limit > 0 and number.bit_length() > 3 * limit and abs(number) >= 10**limit


def _too_long_issue(line: int | None) -> Issue:
    limit = sys.get_int_max_str_digits()
    return Issue("", f"a number is too long (more than {limit:,} digits)", line)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that also refuses aliases, duplicate keys, non-text keys and huge numbers."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise DocumentError(
                Issue(
                    "",
                    "YAML aliases (*name) are not allowed: write the value out in full",
                    event.start_mark.line + 1,
                )
            )
        return super().compose_node(parent, index)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        line = node.start_mark.line + 1
        try:
            value = super().construct_object(node, deep=deep)
        except (ValueError, KeyError, AttributeError, IndexError, OverflowError):
            # SafeLoader's scalar constructors raise these for 2020-02-30, !!int abc, !!bool x …
            if not isinstance(node, yaml.ScalarNode):
                raise
            digits = sum(c.isdigit() for c in node.value) if node.tag == _INT_TAG else 0
            if digits > sys.get_int_max_str_digits() > 0:  # int()'s digit limit
                raise DocumentError(_too_long_issue(line)) from None
            kind = _KINDS.get(node.tag.rpartition(":")[2], "a value")
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
            problem = f"{shown!r} cannot be read as {kind}; put it in quotes if it is text"
            raise DocumentError(Issue("", problem, line)) from None
        if isinstance(value, int) and _too_long(value):  # 0x…, 0b… convert, then cannot print
            raise DocumentError(_too_long_issue(line))
        return value

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):  # e.g. !!set [a]; SafeLoader says why
            return super().construct_mapping(node, deep=deep)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # a list, a mapping, a !!set …
                raise DocumentError(
                    Issue("", "a mapping key must be plain text", key_node.start_mark.line + 1)
                )
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DocumentError(
                    Issue(
                        "",
                        f"the key {key!r} appears twice in the same mapping",
                        key_node.start_mark.line + 1,
                    )
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _line_map(node: yaml.Node, path: str, out: dict[str, int]) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            out.setdefault(child, key_node.start_mark.line + 1)
            _line_map(value_node, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, f"{path}[{index}]", out)


def _parse_yaml(text: str) -> Document:
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None, {})
        data = loader.construct_document(node)
        lines: dict[str, int] = {}
        _line_map(node, "", lines)
        return Document(data, lines)
    finally:
        loader.dispose()


def _reject_json_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DocumentError(Issue("", f"the key {key!r} appears twice in the same object"))
        out[key] = value
    return out


def _parse_json(text: str) -> Document:
    try:
        data = json.loads(text, object_pairs_hook=_reject_json_duplicates)
    except json.JSONDecodeError as exc:
        raise DocumentError(Issue("", f"not valid JSON: {exc.msg}", exc.lineno)) from None
    except ValueError:  # int()'s digit limit: find the number for its line
        long = re.search(rf"\d{{{sys.get_int_max_str_digits() + 1},}}", text)
        line = None if long is None else text.count("\n", 0, long.start()) + 1
        raise DocumentError(_too_long_issue(line)) from None
    lines: dict[str, int] = {}
    try:  # JSON is (nearly) YAML: borrow the YAML composer just for line numbers
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            _line_map(node, "", lines)
    except (yaml.YAMLError, RecursionError):
        pass
    return Document(data, lines)


def read_document(
    source: str | Path,
    *,
    text: str | bytes | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Read a YAML or JSON document from a file, or from ``text`` named ``source``.

    JSON is chosen by a ``.json`` suffix, or a leading ``{`` in a document with neither a
    ``.yaml`` nor a ``.yml`` suffix; everything else is read as YAML. Raises
    :class:`DocumentError` with a message naming the problem.
    """
    name = str(source)
    if text is None:
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise DocumentError(
                    Issue("", f"the file is {size:,} bytes; the limit is {max_bytes:,} bytes")
                )
            with path.open("rb") as handle:
                raw: bytes | str = handle.read(max_bytes + 1)
        except FileNotFoundError:
            raise DocumentError(Issue("", "no such file")) from None
        except IsADirectoryError:
            raise DocumentError(Issue("", "this is a folder, not a file")) from None
        except PermissionError:
            raise DocumentError(Issue("", "permission denied")) from None
        except OSError as exc:
            raise DocumentError(Issue("", f"cannot read the file ({exc.strerror})")) from None
    else:
        raw = text
    if len(raw) > max_bytes:
        raise DocumentError(Issue("", f"the document is over the limit of {max_bytes:,} bytes"))
    if isinstance(raw, bytes):
        try:
            decoded = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                Issue("", f"the file is not UTF-8 text (bad byte at offset {exc.start})")
            ) from None
    else:
        decoded = raw
    if "\x00" in decoded:
        raise DocumentError(Issue("", "the file contains NUL bytes; it is not a text document"))
    if not decoded.strip():
        raise DocumentError(Issue("", "the document is empty"))
    suffix = Path(name).suffix.lower()
    as_json = suffix == ".json" or (
        suffix not in {".yaml", ".yml"} and decoded.lstrip().startswith("{")
    )
    try:
        return _parse_json(decoded) if as_json else _parse_yaml(decoded)
    except RecursionError:
        raise DocumentError(Issue("", "the document is nested too deeply")) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        problem = exc.problem or "it is not valid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
            quoted = re.search(r"'([^']*)'", problem)
            tag = (quoted.group(1) if quoted else problem).replace("tag:yaml.org,2002:", "!!")
            problem = f"YAML tags that construct objects are not allowed (found {tag})"
        raise DocumentError(Issue("", f"not valid YAML: {problem}", line)) from None
    except yaml.YAMLError as exc:
        raise DocumentError(Issue("", f"not valid YAML: {exc}")) from None
