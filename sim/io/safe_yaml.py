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

Two deliberate departures from PyYAML's YAML 1.1 defaults: dates stay text (`2024-05-01` is the string,
not a datetime), and `1e3` is read as the number 1000.0, as in YAML 1.2 and JSON.

Merge keys (`<<: *defaults`) work: keys written in the mapping win over merged ones, and earlier merged
mappings win over later ones.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EntenteError, did_you_mean

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


def load_yaml(path, *, what: str = "scenario file", max_bytes: int = MAX_BYTES) -> YamlDocument:
    """Read a YAML file from disk; every problem raises EntenteError naming the file, place and fix."""
    filename = str(path)
    raw = _read_bytes(Path(path), filename, what, max_bytes)
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


def _read_bytes(path: Path, filename: str, what: str, max_bytes: int) -> bytes:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise EntenteError(f"the {what} {filename!r} does not exist",
                           hint=_nearby_names(path) or "Check the spelling and the folder of the path.") from None
    except OSError as error:
        raise EntenteError(f"cannot open the {what} {filename!r}: {error.strerror or error}",
                           hint="Check the path and that you may read it.") from None
    if stat.S_ISDIR(info.st_mode):
        raise EntenteError(f"{filename!r} is a folder, not a {what}",
                           hint=f"Give the path of the {what} itself, for example {filename.rstrip('/')}/NAME.yaml.")
    if not stat.S_ISREG(info.st_mode):
        raise EntenteError(f"{filename!r} is not a regular file, so it cannot be read as a {what}",
                           hint="Save the YAML text in an ordinary file and give its path.")
    too_large = EntenteError(f"the {what} is larger than the limit of {max_bytes:,} bytes", file=filename,
                             hint="Scenario and data files are a few kilobytes; check you chose the right file.")
    if info.st_size > max_bytes:
        raise too_large
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)  # the file may have grown since stat()
    except IsADirectoryError:
        raise EntenteError(f"{filename!r} is a folder, not a {what}") from None
    except OSError as error:
        raise EntenteError(f"cannot read the {what} {filename!r}: {error.strerror or error}",
                           hint="Check that the file exists and that you may read it.") from None
    if len(raw) > max_bytes:
        raise too_large
    return raw


def _nearby_names(path: Path) -> str:
    folder = path.parent
    try:
        names = [entry.name for entry in folder.iterdir() if entry.is_file()]
    except OSError:
        return ""
    suggestion = did_you_mean(path.name, names)
    if suggestion and str(folder) not in ("", "."):  # show the whole path the user should type
        suggestion = suggestion.replace("Did you mean '", f"Did you mean '{folder}{os.sep}", 1)
    return suggestion


_UTF16_32_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32",
                  b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


def _decode(raw: bytes, filename: str, what: str) -> str:
    for bom, name in _UTF16_32_BOMS.items():
        if raw.startswith(bom):
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


def _loader_class():
    """A SafeLoader that counts nesting while composing and resolves dates as text, `1e3` as a number."""
    import yaml

    class EntenteLoader(yaml.SafeLoader):
        def __init__(self, stream) -> None:
            super().__init__(stream)
            self.depth = 0
            self.composed = 0

        def compose_node(self, parent, index):
            # Bounded before PyYAML's recursive composer can overflow the stack or fill memory.
            self.depth += 1
            self.composed += 1
            if self.depth > MAX_DEPTH:
                raise _Refused(f"the data is nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark,
                               "Hand-written files are a few levels deep; check the brackets and indentation.")
            if self.composed > MAX_NODES:
                raise _Refused(f"the file holds more than {MAX_NODES:,} values", self.peek_event().start_mark,
                               "This is far more than a hand-written file needs; check you chose the right file.")
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    resolvers = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        # Dates stay text, and '=' is not the obscure !!value type.
        kept = [(tag, regexp) for tag, regexp in entries if tag not in (_YAML + "timestamp", _YAML + "value")]
        if kept:
            resolvers[first] = kept
    EntenteLoader.yaml_implicit_resolvers = resolvers
    EntenteLoader.add_implicit_resolver(_FLOAT, re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
                                        list("-+0123456789"))
    return EntenteLoader


_LOADER = None


def _parse(text: str, filename: str, what: str) -> YamlDocument:
    global _LOADER
    import yaml

    if _LOADER is None:
        _LOADER = _loader_class()
    loader = None
    try:
        loader = _LOADER(text)
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
        raise _syntax_error(error, text, filename, what) from None
    except yaml.reader.ReaderError as error:
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
    allowed = {ScalarNode: _SCALAR_TAGS + (_MERGE,), SequenceNode: (_SEQ,), MappingNode: (_MAP,)}[type(node)]
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
        from yaml.constructor import SafeConstructor

        if node.tag in (_STR, _MERGE):
            return node.value
        construct = {_INT: SafeConstructor.construct_yaml_int, _FLOAT: SafeConstructor.construct_yaml_float,
                     _BOOL: SafeConstructor.construct_yaml_bool, _NULL: SafeConstructor.construct_yaml_null}
        try:
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
        key = self.scalar(key_node)
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
