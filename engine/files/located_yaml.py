"""The one YAML loader: safe, guarded, and remembering where everything came from.

Every YAML file the project reads (class files, manifests, UI forms, Resources templates,
agent rules, ...) goes through :func:`load_yaml` or :func:`load_yaml_documents`.

- **Located**: mappings come back as :class:`YamlMap` and sequences as :class:`YamlSeq`,
  plain ``dict``/``list`` subclasses that know the 1-based line and column of themselves,
  of each key, of each value and of each item.
- **Quoting kept**: a quoted or block scalar is a :class:`QuotedStr` (a ``str``); for
  MuranoPL it is always a literal, never a yaql expression, as upstream Murano resolves
  expressions on plain scalars only.
- **Guarded**: only safe tags are built; a file over :data:`MAX_BYTES`, nesting deeper
  than :data:`MAX_DEPTH`, aliases expanding to more than :data:`MAX_EXPANDED_NODES` nodes
  (an "alias bomb") or a recursive alias, text that is not UTF-8 and a key given twice in
  one mapping are refused.

Every problem raises :class:`~muranokit.engine.files.errors.SourceError` with the file,
line, column and message. :func:`plain_copy` turns loaded data into plain Python values
(for data that leaves the loader's world: Heat templates, answers of rules).
"""

from __future__ import annotations

import functools
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .errors import SourceError
from .reading import read_file

if yaml.__with_libyaml__:  # libyaml parses several times faster
    from yaml.cyaml import CParser as _Parser

    _BYTE_POSITIONS = True
else:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    _BYTE_POSITIONS = False

#: Largest YAML text accepted, in bytes (real class files and templates are a few KiB).
MAX_BYTES = 16 * 1024 * 1024
#: Most nodes a document may expand to once aliases are followed. Real Murano files
#: stay far below (a large class file has a few thousand nodes); a "billion laughs"
#: document goes far above while still being tiny on disk.
MAX_EXPANDED_NODES = 200_000
#: Deepest nesting accepted (libyaml's composer recurses and would crash far deeper).
MAX_DEPTH = 500


class QuotedStr(str):
    """A quoted or block scalar: always a literal string, never a yaql expression."""

    __slots__ = ()


class YamlMap(dict):
    """A YAML mapping: a ``dict`` that also records where it, its keys and values are.

    ``line``/``column`` are 1-based; positions of keys and values are kept as the
    parser's marks and turned into numbers when asked for.
    """

    __slots__ = ("line", "column", "key_marks", "value_marks")

    def __init__(self, line: int = 0, column: int = 0) -> None:
        self.line = line
        self.column = column
        self.key_marks: dict[Any, Any] = {}
        self.value_marks: dict[Any, Any] = {}

    def key_line(self, key: Any, default: int | None = None) -> int | None:
        """Line of the key ``key`` (``default`` when unknown)."""
        mark = self.key_marks.get(key)
        return default if mark is None else mark.line + 1

    def value_line(self, key: Any, default: int | None = None) -> int | None:
        """Line of the value of ``key`` (``default`` when unknown)."""
        mark = self.value_marks.get(key)
        return default if mark is None else mark.line + 1

    def line_of(self, key: Any) -> int:
        """Line of ``key``'s value (the key's, else the mapping's own line when unknown)."""
        mark = self.value_marks.get(key) or self.key_marks.get(key)
        return self.line if mark is None else mark.line + 1

    def position(self, key: Any) -> tuple[int, int]:
        """(line, column) of an entry as MuranoPL reports it: the value when it is a
        mapping or a list (a block), else the key (the statement's own line)."""
        marks = self.value_marks if isinstance(self.get(key), (dict, list, set)) \
            else self.key_marks
        mark = marks.get(key)
        return (self.line, self.column) if mark is None else (mark.line + 1, mark.column + 1)

    @property
    def key_lines(self) -> dict[Any, int]:
        """{key: line of the key}."""
        return {key: mark.line + 1 for key, mark in self.key_marks.items()}

    @property
    def value_lines(self) -> dict[Any, int]:
        """{key: line of the value}."""
        return {key: mark.line + 1 for key, mark in self.value_marks.items()}


class YamlSeq(list):
    """A YAML sequence: a ``list`` that also records where it and each item are."""

    __slots__ = ("line", "column", "item_marks")

    def __init__(self, line: int = 0, column: int = 0) -> None:
        self.line = line
        self.column = column
        self.item_marks: list[Any] = []

    def line_of(self, index: int) -> int:
        """Line of item ``index`` (the sequence's own line when unknown)."""
        marks = self.item_marks
        return marks[index].line + 1 if 0 <= index < len(marks) else self.line

    def position(self, index: int) -> tuple[int, int]:
        """(line, column) of item ``index`` (the sequence's own when unknown)."""
        marks = self.item_marks
        if isinstance(index, int) and 0 <= index < len(marks):
            return marks[index].line + 1, marks[index].column + 1
        return self.line, self.column

    @property
    def item_lines(self) -> list[int]:
        """The line of each item."""
        return [mark.line + 1 for mark in self.item_marks]


def line_of(container: Any, key: Any, default: int = 0) -> int:
    """Line of ``container[key]`` if ``container`` came from this loader, else ``default``."""
    if isinstance(container, (YamlMap, YamlSeq)):
        return container.line_of(key) or default
    return default


def key_line_of(container: Any, key: Any, default: int = 0) -> int:
    """Line of the key ``key`` of a loaded mapping, else ``default``."""
    if isinstance(container, YamlMap):
        return container.key_line(key, default)
    return default


def position(container: Any, key: Any) -> tuple[int | None, int | None]:
    """(line, column) of an entry of a loaded mapping/list (see :meth:`YamlMap.position`),
    (None, None) for other containers."""
    if isinstance(container, (YamlMap, YamlSeq)):
        return container.position(key)
    return None, None


def plain_copy(value: Any) -> Any:
    """``value`` with every YamlMap/YamlSeq/QuotedStr made a plain dict/list/str
    (shared parts stay shared)."""
    memo: dict[int, Any] = {}

    def plain(item: Any) -> Any:
        kind = type(item)
        if kind is QuotedStr:
            return str(item)
        if kind is YamlMap or kind is YamlSeq:
            known = memo.get(id(item))
            if known is not None:
                return known
            if kind is YamlSeq:
                items: list = []
                memo[id(item)] = items
                items.extend(plain(sub) for sub in item)
                return items
            mapping: dict = {}
            memo[id(item)] = mapping
            for key, sub in item.items():
                mapping[plain(key)] = plain(sub)
            return mapping
        return item

    return plain(value)


_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# keys that SafeConstructor.flatten_mapping rewrites: "<<" merges, "=" becomes a string
_FLATTEN_TAGS = frozenset({_MERGE_TAG, "tag:yaml.org,2002:value"})

# The composer asks the resolver for the tag of every node it makes: a Python call per
# node. Safe loading has only the class-wide implicit resolvers (no path resolvers), so
# the answer depends on the arguments alone and a C-level cache answers repeats.
_resolve = functools.lru_cache(maxsize=16_384)(Resolver().resolve)


class _LocatedConstructor(SafeConstructor):
    """SafeConstructor that builds YamlMap/YamlSeq/QuotedStr instead of dict/list/str.

    :meth:`build` walks the node graph directly (a few times faster than PyYAML's
    generator-based construction); scalars and other tags go through SafeConstructor,
    so the same values come out as with ``yaml.safe_load``.
    """

    path: str | None = None

    def build(self, node: Node, memo: dict[int, Any]) -> Any:
        """The Python value of ``node``; ``memo`` maps id(node) to values already built."""
        kind = type(node)
        tag = node.tag
        if kind is ScalarNode:
            if tag == _STR_TAG:
                return QuotedStr(node.value) if node.style else node.value
            constructor = self.yaml_constructors.get(tag)
            if constructor is None:
                return self.construct_object(node, deep=True)  # raises a clear error
            return constructor(self, node)
        known = memo.get(id(node), memo)
        if known is not memo:
            return known  # an alias: the same object, as PyYAML does
        build = self.build
        if kind is SequenceNode and tag == _SEQ_TAG:
            mark = node.start_mark
            seq = YamlSeq(mark.line + 1, mark.column + 1)
            memo[id(node)] = seq
            children = node.value
            seq.extend([(QuotedStr(child.value) if child.style else child.value)
                        if type(child) is ScalarNode and child.tag == _STR_TAG
                        else build(child, memo) for child in children])
            seq.item_marks = [child.start_mark for child in children]
            return seq
        if kind is MappingNode and tag == _MAP_TAG:
            mark = node.start_mark
            mapping = YamlMap(mark.line + 1, mark.column + 1)
            memo[id(node)] = mapping
            explicit = None  # the keys written in the mapping itself, when it merges others
            tags = [key.tag for key, _ in node.value]
            if not _FLATTEN_TAGS.isdisjoint(tags):
                if _MERGE_TAG in tags:
                    explicit = [key for key, _ in node.value if key.tag != _MERGE_TAG]
                self.flatten_mapping(node)
            key_marks, value_marks = mapping.key_marks, mapping.value_marks
            for key_node, value_node in node.value:
                if type(key_node) is ScalarNode and key_node.tag == _STR_TAG:
                    key = QuotedStr(key_node.value) if key_node.style else key_node.value
                else:
                    key = self._key(key_node, node, memo)
                if type(value_node) is ScalarNode and value_node.tag == _STR_TAG:
                    value = value_node.value  # the usual leaf, built inline
                    mapping[key] = QuotedStr(value) if value_node.style else value
                else:
                    mapping[key] = build(value_node, memo)
                key_marks[key] = key_node.start_mark
                value_marks[key] = value_node.start_mark
            if explicit is None:
                if len(mapping) != len(node.value):
                    self._duplicate([key for key, _ in node.value], node, memo)
            elif len(explicit) > 1:
                self._duplicate(explicit, node, memo)
            return mapping
        # !!set, !!pairs, or a tag safe loading refuses
        value = self.construct_object(node, deep=True)
        memo[id(node)] = value
        return value

    def _key(self, key_node: Node, node: MappingNode, memo: dict[int, Any]) -> Any:
        """A key that is not a plain string (a number, a date, a list made a tuple)."""
        key = self.build(key_node, memo)
        if isinstance(key, list):
            key = tuple(key)
        try:
            hash(key)
        except TypeError:
            raise ConstructorError("while constructing a mapping", node.start_mark,
                                   "found an unhashable key", key_node.start_mark) from None
        return key

    def _duplicate(self, key_nodes: list[Node], node: MappingNode,
                   memo: dict[int, Any]) -> None:
        """Raise SourceError at the second of two equal keys among ``key_nodes``."""
        seen: dict[Any, Node] = {}
        for key_node in key_nodes:
            if type(key_node) is ScalarNode and key_node.tag == _STR_TAG:
                key = key_node.value
            else:
                key = self._key(key_node, node, memo)
            first = seen.setdefault(key, key_node)
            if first is not key_node:
                mark = key_node.start_mark
                raise SourceError(f"duplicate key {key!r} (first at line "
                                  f"{first.start_mark.line + 1})", self.path, mark.line + 1,
                                  mark.column + 1)


class _LocatedLoader(_Parser, _LocatedConstructor, Resolver):
    def __init__(self, stream, path: str | None = None) -> None:
        _Parser.__init__(self, stream)
        _LocatedConstructor.__init__(self)
        Resolver.__init__(self)
        self.path = path
        self.resolve = _resolve
        # The composer also calls these two around every node. They only matter with
        # path resolvers, which safe loading never has, so C methods that do nothing
        # stand in for them: get(parent, index) of an empty dict, clear() of one.
        self.descend_resolver = _NOTHING.get
        self.ascend_resolver = _NOTHING.clear


_NOTHING: dict = {}


def _mark_error(message: str, path: str | None, mark: Any) -> SourceError:
    return SourceError(message, path, mark.line + 1, mark.column + 1)


def _check_expansion(root: Node, path: str | None) -> None:
    """Refuse documents whose aliases expand to more than MAX_EXPANDED_NODES nodes."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise _mark_error("recursive YAML alias", path, node.start_mark)
        in_progress.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            for child in node.value:
                total += size(child)
        elif isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                total += size(key_node) + size(value_node)
        in_progress.discard(key)
        sizes[key] = total
        if total > MAX_EXPANDED_NODES:
            raise _mark_error(f"YAML aliases expand to more than {MAX_EXPANDED_NODES} nodes "
                              "(alias bomb?)", path, node.start_mark)
        return total

    if isinstance(root, ScalarNode):
        return
    size(root)


def _decode(data: bytes | str, path: str | None) -> str:
    if len(data) > MAX_BYTES:
        raise SourceError(f"YAML file larger than {MAX_BYTES // (1024 * 1024)} MiB", path)
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(f"not UTF-8 text: {exc.reason}", path, line, column) from None


def _yaml_error(exc: yaml.YAMLError, path: str | None, text: str) -> SourceError:
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        offset = max(0, exc.position)
        if _BYTE_POSITIONS:  # libyaml counts UTF-8 bytes, PyYAML's reader characters
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        offset = min(offset, len(text))
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        char = text[offset] if offset < len(text) else "\0"
        return SourceError(f"YAML error: character #x{ord(char):04x} is not allowed (YAML "
                           "refuses control and other non-printable characters)", path, line,
                           column)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML error: {context}, {problem}" if context else f"YAML error: {problem}"
    if mark is None:
        return SourceError(message, path)
    return _mark_error(message, path, mark)


def _depth_bound(text: str) -> int:
    """An upper bound of the nesting depth of ``text``, found without parsing it.

    A block collection nested in another starts further right on its line, or (a
    sequence under a mapping key) at the same column with its items two further right,
    so block depth is at most twice the longest line plus one; a flow bracket opens at
    most two levels (``[a: [b: ...``).
    """
    longest = max(map(len, text.splitlines()), default=0)
    return 2 * (longest + 1) + 2 * (text.count("[") + text.count("{")) + 1


def _check_depth(text: str, path: str | None) -> None:
    """Refuse nesting deeper than MAX_DEPTH before libyaml's recursive composer sees it.

    The exact (event-based, non-recursive) count only runs for texts whose
    :func:`_depth_bound` is above MAX_DEPTH.
    """
    if _depth_bound(text) <= MAX_DEPTH:
        return
    depth = 0
    loader = _LocatedLoader(text, path)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _mark_error(f"YAML nesting deeper than {MAX_DEPTH} levels", path,
                                      event.start_mark)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path, text) from None
    finally:
        loader.dispose()


def _load(data: bytes | str, path: str | None) -> list[tuple[int, Any]]:
    """(line, value) of every document of ``data``."""
    text = _decode(data, path)
    _check_depth(text, path)
    may_have_aliases = "&" in text  # no anchor, no alias: skip the expansion count
    loader = _LocatedLoader(text, path)
    documents = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if may_have_aliases:
                _check_expansion(node, path)
            documents.append((node.start_mark.line + 1, loader.build(node, {})))
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path, text) from None
    except RecursionError:
        raise SourceError("YAML nesting too deep", path) from None
    finally:
        loader.dispose()
    return documents


def load_yaml_documents(data: bytes | str, path: str | None = None) -> list[Any]:
    """Every document of a YAML stream, located (see the module docstring).

    ``path`` is only used in error messages. Raises SourceError on bad input.
    """
    return [document for _, document in _load(data, path)]


def load_yaml(data: bytes | str, path: str | None = None, *, allow_empty: bool = True) -> Any:
    """The single document of a YAML stream (``None`` for an empty one).

    Raises SourceError when the stream holds several documents, or is empty and
    ``allow_empty`` is false.
    """
    return single_document(_load(data, path), path, allow_empty=allow_empty)


def single_document(documents: list[tuple[int, Any]], path: str | None, *,
                    allow_empty: bool = True) -> Any:
    """The one document of ``(line, document)`` pairs; SourceError for several or none."""
    if len(documents) > 1:
        raise SourceError("expected one YAML document, found several", path, documents[1][0])
    if not documents:
        if not allow_empty:
            raise SourceError("empty YAML file", path)
        return None
    return documents[0][1]


def load_located(data: bytes | str, path: str | None = None) -> list[tuple[int, Any]]:
    """(first line, document) of every document of a YAML stream (for callers that
    keep the documents and decide later whether one or several are expected)."""
    return _load(data, path)


def load_yaml_file(path: str) -> Any:
    """Read ``path`` and return its single document (see :func:`load_yaml`)."""
    data, _mode = read_file(path, limit=MAX_BYTES, what="this YAML file",
                            kind="DslSyntaxError")
    return load_yaml(data, path)


__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_EXPANDED_NODES", "QuotedStr", "YamlMap", "YamlSeq",
           "key_line_of", "line_of", "load_located", "load_yaml", "load_yaml_documents",
           "load_yaml_file", "plain_copy", "position", "single_document"]
