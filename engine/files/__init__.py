"""The engine's lowest floor: reading package sources and writing files.

- :mod:`.errors`: :class:`SourceError`, the one error of unusable input files.
- :mod:`.located_yaml`: the one YAML loader (located, quoting kept, guarded).
- :mod:`.members`: the members of a package folder or zip (junk, unsafe members, caps).
- :mod:`.package`: :class:`Package`, a package folder or zip read once.
- :mod:`.atomic`: :func:`atomic_write` and :func:`atomic_folder`.

It imports nothing else of the engine (nor yaql); the engine and the tools import it.
"""

from .atomic import atomic_folder, atomic_write, move_into_place, write_file
from .errors import SourceError
from .located_yaml import (
    QuotedStr,
    YamlMap,
    YamlSeq,
    YaqlStr,
    key_line_of,
    line_of,
    load_yaml,
    load_yaml_documents,
    load_yaml_file,
    plain_copy,
    position,
)
from .package import (
    MANIFEST,
    SUPPORTED_FORMATS,
    Package,
    PackageFile,
    find_package_dirs,
    is_dotted_name,
    is_junk,
    parse_format,
)

__all__ = ["MANIFEST", "Package", "PackageFile", "QuotedStr", "SUPPORTED_FORMATS",
           "SourceError", "YamlMap", "YamlSeq", "YaqlStr", "atomic_folder", "atomic_write",
           "find_package_dirs", "is_dotted_name", "is_junk", "key_line_of", "line_of",
           "load_yaml", "load_yaml_documents", "load_yaml_file", "move_into_place",
           "parse_format", "plain_copy", "position", "write_file"]
