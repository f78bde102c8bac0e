"""Read a user's YAML file safely, keeping the line and column of every value for error messages.

Classroom files are written by hand and pasted from elsewhere, so this is the only door through which user
YAML comes in. It reads plain data only (mappings, lists, text, numbers, true/false, null) and refuses,
with the file, line, column and a fix:

- tags (`!!python/object...`, `!!set`, `!custom`): only untagged values and the plain tags `!!str`, `!!int`,
  `!!float`, `!!bool`, `!!null`, `!!seq`, `!!map` are read, so no file can make Python objects;
- duplicate keys in a mapping (PyYAML would silently keep the last one);
- keys that are not text (an unquoted `yes`, `no`, `on`, `off` is a boolean in YAML 1.1);
- alias bombs ("billion laughs"): the size of the data with every alias expanded is counted on the node
  graph with memoisation, and a file that would expand to more than MAX_NODES values, or nest deeper than
  MAX_DEPTH, is refused before any of it is expanded;
- files above MAX_BYTES (checked before reading), binary files, bytes that are not UTF-8;
- empty files, several documents in one file, and YAML syntax errors (with a hint for the usual causes).

Plain values are read as YAML 1.2 (and JSON) reads them, not by PyYAML's YAML 1.1 rules: dates stay text
(`2024-05-01` is the string, not a datetime) and `1e3` is the number 1000.0. The forms the two versions
read differently are refused with the fix rather than guessed: leading zeros (`010` is 8 in YAML 1.1),
base-60 (`1:30` is 90), `_` in numbers (`1_000`), `0x`/`0o`/`0b` numbers, and `yes`/`no`/`on`/`off` as
true or false. A lone surrogate (`"\ud800"`, half of a character) is refused in any text or key; an
escaped pair (`"\ud83d\ude00"`) becomes the one character it stands for.

Merge keys (`<<: *defaults`) work: keys written in the mapping win over merged ones, and earlier merged
mappings win over later ones.

Why not ruamel.yaml: a reader on it keeps this resolver and these checks, on its pure-Python parser at 3.6x
the CPU of libyaml's here (`python bench/yaml_reader.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EntenteError, field_path
from .text import wide_encoding

MAX_BYTES = 1_000_000
"""Largest file read, in bytes. Scenario files are a few kilobytes; anything near 1 MB is a mistake."""

MAX_NODES = 50_000
"""Most values (keys, scalars, lists and mappings, counted as if every alias were expanded)."""

MAX_DEPTH = 100
"""Deepest nesting of lists and mappings (counted as if every alias were expanded)."""

_YAML = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_YAML + kind for kind in ("str", "int", "float", "bool", "null"))
_SEQ, _MAP, _MERGE = _YAML + "seq", _YAML + "map", _YAML + "merge"
_SCALAR_TAGS = (_STR, _INT, _FLOAT, _BOOL, _NULL)
_OLD_BOOL = "tag:entente:yaml-1.1-bool"  # yes, no, on, off: true or false in YAML 1.1, text in YAML 1.2

_DIGITS = list("-+0123456789")
_RESOLVERS = (  # (tag, pattern, possible first characters), tried in this order
    (_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    (_OLD_BOOL, r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$", list("yYnNoO")),
    # Wide on purpose: leading zeros, '_', base-60 and 0x/0o/0b forms resolve here and are refused by name.
    (_INT, r"^[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])*|0[xXoObB][0-9a-fA-F_]+)$", _DIGITS),
    (_FLOAT, r"^(?:[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*\.[0-9_]*|[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)"
             r"(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     _DIGITS + ["."]),
    (_MERGE, r"^(?:<<)$", ["<"]),
)
_KIND_WORDS = {"ScalarNode": "a plain value", "SequenceNode": "a list", "MappingNode": "a mapping"}


@dataclass(frozen=True)
class YamlDocument:
    """The plain data of a YAML file and where each part of it was written."""

    data: object
    filename: str
    _positions: dict = field(default_factory=dict, repr=False, compare=False)

    def position(self, path) -> tuple[int, int] | None:
        """1-based (line, column) of the value at `path`, e.g. ("events", 3, "to").

        A mapping entry points at its key, a list element at the element. For a path that does not exist
        the position of its deepest existing parent is given; None only for data not read from YAML.
        """
        path = tuple(path)
        while True:
            try:
                found = self._positions.get(path)
            except TypeError:  # an unhashable part: no such path
                found = None
            if found is not None:
                return found
            if not path:
                return None
            path = path[:-1]

    def error(self, path, problem: str, hint: str | None = None, *, file: str | None = None) -> EntenteError:
        """A mistake at `path` in this file, as the one-paragraph error naming the file, line and field."""
        path = tuple(path)
        line, column = self.position(path) or (None, None)
        return EntenteError(problem, file=file or self.filename, line=line, column=column,
                            field=field_path(path) or None, hint=hint)


def load_yaml(path, *, what: str = "scenario file", max_bytes: int = MAX_BYTES,
              follow_links: bool = True) -> YamlDocument:
    """Read a YAML file from disk; every problem raises EntenteError naming the file, place and fix.

    follow_links=False: a file inside a folder Entente writes (a game's), where a link is refused."""
    filename = str(path)
    raw = _read_bytes(Path(path), filename, what, max_bytes, follow_links)
    text = _decode(raw, filename, what)
    return _parse(text, filename, what)


def load_yaml_text(text: str, *, filename: str = "<string>", what: str = "scenario file",
                   max_bytes: int = MAX_BYTES) -> YamlDocument:
    """Read YAML from a string (a notebook cell, a test), with the same checks as load_yaml."""
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise EntenteError(f"the {what} is larger than the limit of {max_bytes:,} bytes", file=filename,
                           hint="A file this large is surely not a hand-written file; check you chose the "
                                "right one.")
    if "\x00" in text:
        offset = text.index("\x00")
        line, column = _line_column(text, offset)
        raise EntenteError(f"the {what} looks like a binary file, not text: it contains a NUL character",
                           file=filename, line=line, column=column, hint="Choose the YAML text file.")
    if text.startswith("\ufeff"):
        text = text[1:]
    return _parse(text, filename, what)


# --- reading the bytes ----------------------------------------------------------------------------------


def _read_bytes(path: Path, filename: str, what: str, max_bytes: int, follow_links: bool = True) -> bytes:
    from .paths import read_input_bytes

    too_large = EntenteError(f"the {what} is larger than the limit of {max_bytes:,} bytes", file=filename,
                             hint="Scenario and data files are a few kilobytes; check you chose the right file.")
    return read_input_bytes(path, what, max_bytes, too_large, follow_links=follow_links)


def _decode(raw: bytes, filename: str, what: str) -> str:
    name = wide_encoding(raw)
    if name is not None:
        raise EntenteError(f"the {what} is saved as {name} text; Entente reads UTF-8 only", file=filename,
                           hint="In your editor choose 'Save as' with the encoding 'UTF-8'.")
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line, column = _byte_line_column(raw, offset)
        raise EntenteError(f"the {what} looks like a binary file, not text: it contains a NUL byte "
                           f"(byte offset {offset})", file=filename, line=line, column=column,
                           hint="Choose the YAML text file (a word-processor document or a spreadsheet will "
                                "not do: save it as plain text).")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start
        line, column = _byte_line_column(raw, offset)
        raise EntenteError(f"the {what} is not UTF-8 text: byte 0x{raw[offset]:02x} at byte offset {offset} "
                           f"cannot be read", file=filename, line=line, column=column,
                           hint="The file was probably saved in another encoding (such as Windows-1252 or "
                                "Latin-1); in your editor choose 'Save as' with the encoding 'UTF-8'.") from None
    return text[1:] if text.startswith("\ufeff") else text


def _byte_line_column(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


# --- parsing ---------------------------------------------------------------------------------------------


class _Refused(Exception):
    """Raised inside the loader; turned into an EntenteError once the file name is at hand."""

    def __init__(self, problem: str, mark, hint: str | None = None) -> None:
        super().__init__(problem)
        self.problem, self.mark, self.hint = problem, mark, hint


def _loader_classes():
    """The pure-Python loader, and the same loader reading libyaml's events (None without libyaml).

    Both compose in Python, counting nesting and values while they go, and resolve plain values by YAML
    1.2's core schema (dates stay text, `1e3` is a number); the forms YAML 1.1 reads differently resolve to
    tags the builder refuses with a fix. Only the scanner and parser differ: libyaml's are about ten times
    faster on the 43 kB relations file, and do not recurse, so the depth limit still holds.
    """
    import yaml
    from yaml.composer import Composer

    class Bounded(Composer):
        def __init__(self) -> None:
            self.depth = 0
            self.composed = 0

        def compose_node(self, parent, index):
            # Bounded before the recursive composer can overflow the stack or fill memory.
            self.depth += 1
            self.composed += 1
            if self.depth > MAX_DEPTH:
                raise _Refused(f"the data is nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark,  # type: ignore[attr-defined]
                               "Hand-written files are a few levels deep; check the brackets and indentation.")
            if self.composed > MAX_NODES:
                raise _Refused(f"the file holds more than {MAX_NODES:,} values", self.peek_event().start_mark,  # type: ignore[attr-defined]
                               "This is far more than a hand-written file needs; check you chose the right file.")
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    class EntenteLoader(Bounded, yaml.SafeLoader):
        def __init__(self, stream) -> None:
            yaml.SafeLoader.__init__(self, stream)
            Bounded.__init__(self)

    classes: list = [EntenteLoader]
    if getattr(yaml, "__with_libyaml__", False):
        from yaml._yaml import CParser
        from yaml.constructor import SafeConstructor
        from yaml.resolver import Resolver

        class EntenteCLoader(Bounded, CParser, SafeConstructor, Resolver):  # Composer's methods before CParser's
            hands_back_syntax_errors = True  # _parse reads the file again with PyYAML for its messages

            def __init__(self, stream) -> None:
                CParser.__init__(self, stream)
                SafeConstructor.__init__(self)
                Resolver.__init__(self)
                Bounded.__init__(self)
                self.anchors: dict = {}

        classes.append(EntenteCLoader)
    for loader in classes:
        loader.yaml_implicit_resolvers = {}
        for tag, regexp, first in _RESOLVERS:
            loader.add_implicit_resolver(tag, re.compile(regexp), first)
    return classes[0], (classes[1] if len(classes) > 1 else None)


_LOADERS: tuple | None = None


_READ: dict[tuple[str, str, str], YamlDocument] = {}
"""Documents already read in this process, by file name, kind and exact text: a run reads the relations
file for its world and again for its report, a sweep reads it for every point."""

_READ_KEPT = 16  # documents kept; the oldest is forgotten first


def _parse(text: str, filename: str, what: str) -> YamlDocument:
    """A document read before (the same name, kind and text) is handed out again as a fresh copy, so a
    caller that changes its data changes nothing for the next one."""
    key = (filename, what, text)
    if key not in _READ:
        if len(_READ) >= _READ_KEPT:
            del _READ[next(iter(_READ))]
        _READ[key] = _parse_text(text, filename, what)
    document = _READ[key]
    return YamlDocument(data=_copy(document.data), filename=filename, _positions=document._positions)


def _copy(data):
    """Plain data (mappings, lists, scalars) copied all the way down; scalars are immutable."""
    if isinstance(data, dict):
        return {key: _copy(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_copy(value) for value in data]
    return data


def _parse_text(text: str, filename: str, what: str) -> YamlDocument:
    """Read with libyaml's parser when it is there; any syntax or character problem is read again by
    PyYAML's, so a mistake is always reported with the same words, place and hint."""
    global _LOADERS
    import yaml
    from yaml.reader import Reader

    if _LOADERS is None:
        _LOADERS = _loader_classes()
    python_loader, c_loader = _LOADERS
    if c_loader is not None and not Reader.NON_PRINTABLE.search(text):
        try:
            return _parse_with(c_loader, text, filename, what)
        except (yaml.YAMLError, UnicodeError):
            pass
    return _parse_with(python_loader, text, filename, what)


def _parse_with(loader_class, text: str, filename: str, what: str) -> YamlDocument:
    import yaml

    loader = None
    try:
        loader = loader_class(text)
        root = _compose_single(loader, what)
        if root is None or (root.tag == _NULL and root.value == ""):
            raise EntenteError(f"the {what} is empty: it holds no data, only blank lines or comments",
                               file=filename, hint=f"Write the content of the {what} in it, or check that you "
                                                   f"chose the right file.")
        _check_graph(root)
        builder = _Builder(loader)
        data = builder.build(root, ())
    except _Refused as refusal:
        line, column = _mark_place(refusal.mark)
        raise EntenteError(refusal.problem, file=filename, line=line, column=column, hint=refusal.hint) from None
    except yaml.MarkedYAMLError as error:
        if getattr(loader_class, "hands_back_syntax_errors", False):
            raise
        raise _syntax_error(error, text, filename, what) from None
    except yaml.reader.ReaderError as error:
        if getattr(loader_class, "hands_back_syntax_errors", False):
            raise
        line, column = _line_column(text, error.position)
        character = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "?")
        raise EntenteError(f"the {what} contains the control character U+{character:04X}, which YAML does not "
                           f"allow", file=filename, line=line, column=column,
                           hint="Delete it: it is usually invisible, and often comes from text copied out of a "
                                "PDF or a word processor.") from None
    except RecursionError:
        raise EntenteError(f"the {what} is nested too deeply to read", file=filename,
                           hint="Check the brackets and the indentation.") from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlDocument(data=data, filename=filename, _positions=builder.positions)


def _compose_single(loader, what: str):
    """The root node of the only document, or None for an empty stream; refuses a second document."""
    from yaml.events import StreamEndEvent

    loader.get_event()  # stream start
    if loader.check_event(StreamEndEvent):
        return None
    root = loader.compose_document()
    if not loader.check_event(StreamEndEvent):
        second = loader.peek_event()
        raise _Refused(f"the file holds more than one YAML document (a second one starts here, after a "
                       f"'---' or '...' line); a {what} must be a single document", second.start_mark,
                       "Remove the extra '---' line, or put each document in a file of its own.")
    return root


def _mark_place(mark) -> tuple[int | None, int | None]:
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag


def _check_graph(root) -> None:
    """Refuse disallowed tags, recursive aliases, and alias expansion beyond MAX_NODES or MAX_DEPTH.

    Sizes are memoised per node of the composed graph (an alias is the very node it names), so a
    billion-laughs file costs a few hundred steps, not a billion.
    """
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    def children(node):
        if isinstance(node, SequenceNode):
            return node.value
        if isinstance(node, MappingNode):
            return [part for pair in node.value for part in pair]
        return ()

    measured: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded size, expanded depth)
    open_nodes: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            parts = [measured[id(child)] for child in children(node)]
            size = 1 + sum(size for size, _ in parts)
            depth = 1 + max((depth for _, depth in parts), default=0)
            if size > MAX_NODES:
                raise _Refused(f"the aliases (*name) in this file expand to more than {MAX_NODES:,} values; "
                               f"a file built like this (an 'alias bomb' or 'billion laughs') is refused",
                               node.start_mark, "Write the values out, or use each alias only a few times.")
            if depth > MAX_DEPTH:
                raise _Refused(f"the aliases (*name) in this file nest more than {MAX_DEPTH} levels deep",
                               node.start_mark, "Use each alias only a few times, and not inside one another.")
            measured[key] = (size, depth)
            continue
        if key in measured:
            continue
        _check_tag(node, ScalarNode, SequenceNode, MappingNode)
        open_nodes.add(key)
        stack.append((node, True))
        for child in children(node):
            if id(child) in open_nodes:
                raise _Refused("an alias (*name) is used inside the value its own anchor (&name) marks, which "
                               "would make the data endless", node.start_mark,
                               "Use an alias only after the anchored value is complete.")
            if id(child) not in measured:
                stack.append((child, False))


def _check_tag(node, ScalarNode, SequenceNode, MappingNode) -> None:
    tag = node.tag
    allowed = {ScalarNode: _SCALAR_TAGS + (_MERGE, _OLD_BOOL), SequenceNode: (_SEQ,), MappingNode: (_MAP,)}[type(node)]
    if tag in allowed:
        return
    shown = _tag_name(tag)
    hint = "Remove the tag and write a plain value; if the '!' belongs to a text, put the text in quotes."
    if tag.startswith(_YAML + "python/"):
        problem = (f"the tag {shown} is not allowed: tags that build Python objects are refused, because "
                   f"a file could use them to run code")
    elif tag in (_YAML + kind for kind in ("str", "int", "float", "bool", "null", "seq", "map")):
        problem = f"the tag {shown} cannot be used on {_KIND_WORDS[type(node).__name__]}"
    elif tag.startswith(_YAML):
        problem = (f"the tag {shown} is not allowed: only plain text, numbers, true/false, lists and "
                   f"mappings are read")
    else:
        problem = f"the custom tag {shown} is not allowed: tags (words starting with '!') are not read"
    raise _Refused(problem, node.start_mark, hint)


class _Builder:
    """Turns the checked node graph into plain Python data, noting each path's position."""

    def __init__(self, loader) -> None:
        self.loader = loader
        self.positions: dict[tuple, tuple[int | None, int | None]] = {}

    def build(self, node, path: tuple):
        from yaml.nodes import MappingNode, SequenceNode

        if not path:
            self.positions[()] = _mark_place(node.start_mark)
        if isinstance(node, SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                self.positions[path + (index,)] = _mark_place(child.start_mark)
                items.append(self.build(child, path + (index,)))
            return items
        if isinstance(node, MappingNode):
            mapping = {}
            for key, key_node, value_node in self.entries(node):
                self.positions[path + (key,)] = _mark_place(key_node.start_mark)
                mapping[key] = self.build(value_node, path + (key,))
            return mapping
        return self.scalar(node)

    def scalar(self, node):
        if node.tag == _OLD_BOOL:
            meaning = "true" if node.value.lower() in ("yes", "on") else "false"
            raise _Refused(f"the value {node.value!r} is {meaning} in YAML 1.1 but the text {node.value!r} in "
                           f"YAML 1.2, so Entente does not guess", node.start_mark,
                           f"Write {meaning} or {'false' if meaning == 'true' else 'true'}; put it in quotes if "
                           f"you mean the text.")
        if node.tag in (_STR, _MERGE):
            return _whole_characters(node.value, node.start_mark)
        if node.tag in (_INT, _FLOAT):
            _refuse_yaml11_number(node)
        try:
            if node.tag == _INT:
                return int(node.value.replace("+", "", 1) if node.value.startswith("+") else node.value)
            if node.tag == _FLOAT:
                return _float(node.value)
            from yaml.constructor import SafeConstructor

            construct = {_BOOL: SafeConstructor.construct_yaml_bool, _NULL: SafeConstructor.construct_yaml_null}
            return construct[node.tag](self.loader, node)
        except (ValueError, KeyError, TypeError, ArithmeticError):
            kind = {_INT: "a whole number", _FLOAT: "a number", _BOOL: "true or false", _NULL: "null"}[node.tag]
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            raise _Refused(f"the value {shown!r} cannot be read as {kind}", node.start_mark,
                           "Write it out plainly, or put it in quotes to keep it as text.") from None

    def entries(self, node) -> list:
        """(key, key node, value node) of a mapping, merge keys applied, duplicate and odd keys refused."""
        from yaml.nodes import MappingNode, SequenceNode

        own: dict = {}
        merged: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    if not isinstance(source, MappingNode):
                        raise _Refused("a merge key '<<' must be followed by a mapping or a list of mappings "
                                       "(usually an alias such as *defaults)", source.start_mark)
                    for key, entry_key, entry_value in self.entries(source):
                        merged.setdefault(key, (key, entry_key, entry_value))  # the first merged mapping wins
                continue
            key = self.key(key_node)
            if key in own:
                first_line = own[key][1].start_mark.line + 1
                raise _Refused(f"duplicate key {key!r}: it appears twice in the same mapping, on line "
                               f"{first_line} and on line {key_node.start_mark.line + 1}", key_node.start_mark,
                               "YAML would silently keep only the last one; remove or rename one of them.")
            own[key] = (key, key_node, value_node)
        combined = dict(merged)
        combined.update(own)
        return list(combined.values())

    def key(self, key_node) -> str:
        from yaml.nodes import ScalarNode

        if not isinstance(key_node, ScalarNode):
            raise _Refused(f"a key must be text, but this key is {_KIND_WORDS[type(key_node).__name__]}",
                           key_node.start_mark, "Write keys as plain words followed by ': ', e.g. name: value.")
        key = True if key_node.tag == _OLD_BOOL and key_node.value.lower() in ("yes", "on") else (
            False if key_node.tag == _OLD_BOOL else self.scalar(key_node))
        if isinstance(key, str):
            return key
        written = key_node.value
        if isinstance(key, bool):
            problem = (f"the key {written!r} is read as the boolean {str(key).lower()}, not as text (YAML reads "
                       f"unquoted yes, no, on, off, true and false as true or false)")
        elif key is None:
            problem = "a key is empty (or null): every key must be a text"
        else:
            problem = f"the key {written!r} is a number, but keys must be text"
        hint = f"Put the key in quotes: '{written}': ..." if key is not None else "Write a name before the ':'."
        raise _Refused(problem, key_node.start_mark, hint)


# --- numbers as YAML 1.2 reads them, and whole characters -----------------------------------------------


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered in (".inf", "+.inf"):
        return float("inf")
    if lowered == "-.inf":
        return float("-inf")
    if lowered == ".nan":
        return float("nan")
    return float(text)


def _refuse_yaml11_number(node) -> None:
    """Refuse the number forms YAML 1.1 (PyYAML) and YAML 1.2 read differently, or that only one reads.

    `010` is 8 in YAML 1.1 and 10 in YAML 1.2; `1:30` is 90 in YAML 1.1 and text in YAML 1.2; `1_000` and
    `0b101` are numbers only in YAML 1.1; `0o17` only in YAML 1.2; `0x1F` is rarely what a student meant.
    """
    text = node.value
    body = text.lstrip("+-")
    sign = "-" if text.startswith("-") else ""
    fix = None
    if "_" in text:
        plain = text.replace("_", "")
        problem = f"the number {text!r} has '_' between its digits, which YAML 1.1 ignores and YAML 1.2 does not read"
        fix = f"Write {plain}, not {text}."
    elif ":" in body:
        whole, _, fraction = body.partition(".")
        value = 0
        for part in whole.split(":"):
            value = value * 60 + int(part or "0")
        shown = f"{sign}{value}" + (f".{fraction}" if fraction else "")
        problem = (f"{text!r} is read by YAML 1.1 as the base-60 number {shown} and by YAML 1.2 as text, so "
                   f"Entente does not guess")
        fix = f"Write the number you mean (for instance {shown})."
    elif body[:2].lower() in ("0x", "0o", "0b"):
        base = {"0x": 16, "0o": 8, "0b": 2}[body[:2].lower()]
        try:
            decimal = f"{sign}{int(body[2:], base)}"
        except ValueError:
            decimal = "the number in decimal digits"
        problem = f"the number {text!r} is written in base {base}; Entente reads numbers in decimal only"
        fix = f"Write {decimal}, not {text}."
    elif node.tag == _INT and len(body) > 1 and body.startswith("0"):
        old = (f"a base-8 number ({sign}{int(body, 8)})" if set(body) <= set("01234567") else "text")
        problem = (f"the number {text!r} starts with a zero, which YAML 1.1 reads as {old} and YAML 1.2 as "
                   f"{sign}{int(body)}, so Entente does not guess")
        fix = f"Write {sign}{int(body)}, not {text}."
    if fix is not None:
        raise _Refused(problem, node.start_mark, fix + " Put it in quotes if it is a text.")


def _whole_characters(text: str, mark) -> str:
    """The text with escaped surrogate pairs joined into characters; a lone surrogate is refused."""
    if not any("\ud800" <= char <= "\udfff" for char in text):
        return text
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError as error:
        lone = text[error.start // 2]
        raise _Refused(f"the text holds a lone surrogate (\\u{ord(lone):04x}), half of a character, which cannot be "
                       f"written to a file or shown on a screen", mark,
                       f"Remove the escape \\u{ord(lone):04x} or write the character itself; a character beyond "
                       f"U+FFFF is written as \\U0001F600 or as two escapes that form a pair.") from None


# --- syntax errors -----------------------------------------------------------------------------------------

_TRANSLATIONS = (
    ("that cannot start any token", "found character '\\t'", "a tab character is used where YAML expects spaces"),
    ("mapping values are not allowed here", "", "a ': ' appears where YAML does not expect a new 'key: value'"),
    ("could not find expected ':'", "", "YAML expected 'key: value' on this line but found no ': '"),
    ("found undefined alias", "", "an alias (*name) is used but no anchor (&name) was defined before it"),
)


def _syntax_error(error, text: str, filename: str, what: str) -> EntenteError:
    """One readable paragraph from PyYAML's MarkedYAMLError, with a hint for the classroom mistakes."""
    problem = error.problem or error.context or "the text cannot be read"
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    lines = text.splitlines()
    unclosed = "end of stream" in problem or "<stream end>" in problem or "unexpected end" in problem
    if error.context_mark is not None and (unclosed or "simple key" in context or "flow" in context):
        mark = error.context_mark  # the opening quote or bracket, or the line missing its ': '
    line, column = _mark_place(mark)

    plain = None
    for fragment, detail, translation in _TRANSLATIONS:
        if fragment in problem and detail in problem:
            plain = translation
    if "quoted scalar" in context and unclosed:
        plain = "a quoted text is never closed"
    elif "flow" in context and ("expected ','" in problem or unclosed):
        plain = "a '[' or '{' is not closed, or a comma is missing between two items"
    if plain is None:
        plain = problem + (f" ({context})" if context else "")

    hint = _syntax_hint(problem, context, lines, line, error)
    shown = ""
    if line is not None and 0 < line <= len(lines) and lines[line - 1].strip():
        content = lines[line - 1].strip().replace("\t", "\\t")
        shown = f"; the line reads: {content[:60] + ('...' if len(content) > 60 else '')}"
    return EntenteError(f"the {what} is not valid YAML: {plain}{shown}", file=filename, line=line,
                        column=column, hint=hint)


_NO_SPACE_AFTER_COLON = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*:(?![\s/]|$)")


def _syntax_hint(problem: str, context: str, lines: list[str], line: int | None, error) -> str:
    nearby = []
    if line is not None:
        nearby = [lines[number - 1] for number in (line - 1, line, line + 1) if 0 < number <= len(lines)]
    opened = error.context_mark.line + 1 if error.context_mark is not None else line
    if "\\t" in problem or "\t" in problem or any(re.match(r"^ *\t", text) for text in nearby):
        return "Indent with spaces, not tabs: YAML does not allow tabs for indentation. Set your editor to " \
               "insert spaces when you press Tab."
    for text in nearby:
        if _NO_SPACE_AFTER_COLON.match(text):
            written = text.strip()
            fixed = written.replace(":", ": ", 1)
            return f"Put a space after each colon: write '{fixed}', not '{written}'."
    if "quoted scalar" in context:
        return f"The quote opened on line {opened} is never closed: add the closing quote."
    if "flow sequence" in context or "flow mapping" in context:
        return (f"The bracket opened on line {opened} is not closed (add the ']' or '}}'), or a comma is "
                f"missing between two items.")
    if "<block end>" in problem or "expected key" in problem or "'-' indicator" in problem:
        return ("At one indentation level write either list items (lines starting with '- ') or keys "
                "('key: value'), not both; check that this line is indented like the lines above it.")
    if "mapping values are not allowed" in problem:
        return ("If a value contains ': ', put the whole value in quotes (title: \"Act 1: talks\"); "
                "otherwise check the indentation of this line.")
    if "undefined alias" in problem:
        return "Define the anchor (&name) before using the alias (*name), or check its spelling."
    if "cannot start any token" in problem:
        return "Put a value that starts with a special character (such as @, ` or %) in quotes."
    return "Check this line and the one above it: indentation, colons followed by a space, and closing quotes " \
           "and brackets."
