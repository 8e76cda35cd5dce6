"""Safe YAML loading that remembers line numbers and refuses alias bombs.

Public entry points: :func:`load_yaml` (one document) and :func:`load_yaml_documents`
(every document of a stream). Mappings come back as :class:`YamlMap` and sequences as
:class:`YamlSeq`: plain ``dict``/``list`` subclasses that also know the 1-based line of
themselves, of each key, of each value and of each item, so callers can point findings
at the right line. Scalars are ordinary Python values (``str``, ``int``, ...); a quoted or
block string is a :class:`~muranokit.engine.yaml_source.QuotedStr` (MuranoPL reads it as a
literal, never as an expression).

Errors (syntax, alias bomb, undecodable bytes) raise
:class:`muranokit.tools.exceptions.InputError` carrying the path and line.
"""

from __future__ import annotations

import functools
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from muranokit.engine.yaml_source import QuotedStr
from muranokit.tools.exceptions import InputError

if yaml.__with_libyaml__:  # libyaml parses several times faster
    from yaml.cyaml import CParser as _Parser
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

#: Most nodes a document may expand to once aliases are followed. Real Murano files
#: stay far below (a large class file has a few thousand nodes); a "billion laughs"
#: document goes far above while still being tiny on disk.
MAX_EXPANDED_NODES = 200_000
#: Deepest nesting accepted (libyaml's composer recurses and would crash far deeper).
MAX_DEPTH = 500


class YamlMap(dict):
    """A YAML mapping: a ``dict`` that also records where things are."""

    __slots__ = ("line", "key_lines", "value_lines")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        self.value_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        """Line of ``key``'s value (the mapping's own line when unknown)."""
        line = self.value_lines.get(key)
        return self.key_lines.get(key, self.line) if line is None else line


class YamlSeq(list):
    """A YAML sequence: a ``list`` that also records the line of each item."""

    __slots__ = ("line", "item_lines")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        """Line of item ``index`` (the sequence's own line when unknown)."""
        lines = self.item_lines
        return lines[index] if 0 <= index < len(lines) else self.line


def line_of(container: Any, key: Any, default: int = 0) -> int:
    """Line of ``container[key]`` if ``container`` came from this loader, else ``default``."""
    if isinstance(container, (YamlMap, YamlSeq)):
        return container.line_of(key) or default
    return default


def key_line_of(container: Any, key: Any, default: int = 0) -> int:
    """Line of the key ``key`` of a loaded mapping, else ``default``."""
    if isinstance(container, YamlMap):
        return container.key_lines.get(key, default)
    return default


def _line(node: Node) -> int:
    return node.start_mark.line + 1


_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
# keys that SafeConstructor.flatten_mapping rewrites: "<<" merges, "=" becomes a string
_FLATTEN_TAGS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})

# The composer asks the resolver for the tag of every node it makes: a Python call per
# node. Safe loading has only the class-wide implicit resolvers (no path resolvers), so
# the answer depends on the arguments alone and a C-level cache answers repeats.
_resolve = functools.lru_cache(maxsize=16_384)(Resolver().resolve)


class _LineConstructor(SafeConstructor):
    """SafeConstructor that builds YamlMap/YamlSeq instead of dict/list.

    :meth:`build` walks the node graph directly (a few times faster than PyYAML's
    generator-based construction); scalars and other tags go through SafeConstructor,
    so the same values come out as with ``yaml.safe_load``.
    """

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
            seq = YamlSeq(node.start_mark.line + 1)
            memo[id(node)] = seq
            children = node.value
            seq.extend([child.value if type(child) is ScalarNode and child.tag == _STR_TAG
                        and not child.style else build(child, memo) for child in children])
            seq.item_lines = [child.start_mark.line + 1 for child in children]
            return seq
        if kind is MappingNode and tag == _MAP_TAG:
            mapping = YamlMap(node.start_mark.line + 1)
            memo[id(node)] = mapping
            if not _FLATTEN_TAGS.isdisjoint([key.tag for key, _ in node.value]):
                self.flatten_mapping(node)
            key_lines, value_lines = mapping.key_lines, mapping.value_lines
            for key_node, value_node in node.value:
                if type(key_node) is ScalarNode and key_node.tag == _STR_TAG \
                        and not key_node.style:
                    key = key_node.value
                else:
                    key = build(key_node, memo)
                    try:
                        hash(key)
                    except TypeError:
                        raise yaml.constructor.ConstructorError(
                            "while constructing a mapping", node.start_mark,
                            "found an unhashable key", key_node.start_mark) from None
                if type(value_node) is ScalarNode and value_node.tag == _STR_TAG \
                        and not value_node.style:
                    mapping[key] = value_node.value  # the usual leaf, built inline
                else:
                    mapping[key] = build(value_node, memo)
                key_lines[key] = key_node.start_mark.line + 1
                value_lines[key] = value_node.start_mark.line + 1
            return mapping
        # !!set, !!omap, !!pairs, or a tag safe loading refuses
        value = self.construct_object(node, deep=True)
        memo[id(node)] = value
        return value


class _LineLoader(_Parser, _LineConstructor, Resolver):
    def __init__(self, stream) -> None:
        _Parser.__init__(self, stream)
        _LineConstructor.__init__(self)
        Resolver.__init__(self)
        self.resolve = _resolve
        # The composer also calls these two around every node. They only matter with
        # path resolvers, which safe loading never has, so C methods that do nothing
        # stand in for them: get(parent, index) of an empty dict, clear() of one.
        self.descend_resolver = _NOTHING.get
        self.ascend_resolver = _NOTHING.clear


_NOTHING: dict = {}


def _check_expansion(root: Node, path: str | None) -> None:
    """Refuse documents whose aliases expand to more than MAX_EXPANDED_NODES nodes."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise InputError("recursive YAML alias", path, _line(node))
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
            raise InputError(
                f"YAML aliases expand to more than {MAX_EXPANDED_NODES} nodes "
                "(alias bomb?)", path, _line(node))
        return total

    if isinstance(root, ScalarNode):
        return
    size(root)


def _decode(data: bytes | str, path: str | None) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text: {exc.reason}", path, line) from None


def _yaml_error(exc: yaml.YAMLError, path: str | None) -> InputError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML error: {context}, {problem}" if context else f"YAML error: {problem}"
    return InputError(message, path, line)


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
    loader = _LineLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(f"YAML nesting deeper than {MAX_DEPTH} levels", path,
                                     event.start_mark.line + 1)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path) from None
    finally:
        loader.dispose()


def _load(data: bytes | str, path: str | None) -> list[tuple[int, Any]]:
    text = _decode(data, path)
    _check_depth(text, path)
    may_have_aliases = "&" in text  # no anchor, no alias: skip the expansion count
    loader = _LineLoader(text)
    documents = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if may_have_aliases:
                _check_expansion(node, path)
            documents.append((_line(node), loader.build(node, {})))
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path) from None
    except RecursionError:
        raise InputError("YAML nesting too deep", path) from None
    finally:
        loader.dispose()
    return documents


def load_yaml_documents(data: bytes | str, path: str | None = None) -> list[Any]:
    """Every document of a YAML stream, with line information (see module docstring).

    ``path`` is only used in error messages. Raises InputError on bad input.
    """
    return [document for _, document in _load(data, path)]


def load_yaml(data: bytes | str, path: str | None = None, *, allow_empty: bool = True) -> Any:
    """The single document of a YAML stream (``None`` for an empty one).

    Raises InputError when the stream holds several documents, or is empty and
    ``allow_empty`` is false.
    """
    documents = _load(data, path)
    if len(documents) > 1:
        raise InputError("expected one YAML document, found several", path, documents[1][0])
    if not documents:
        if not allow_empty:
            raise InputError("empty YAML file", path)
        return None
    return documents[0][1]


def load_yaml_file(path: str) -> Any:
    """Read ``path`` and return its single document (see :func:`load_yaml`)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path) from None
    return load_yaml(data, path)
