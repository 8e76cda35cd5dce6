"""The engine's lowest floor: reading package sources and writing files.

- :mod:`.errors`: :class:`SourceError`, the one error of unusable input files.
- :mod:`.located_yaml`: the one YAML loader (located, quoting kept, guarded).
- :mod:`.members`: the members of a package folder or zip (junk, unsafe members, caps).
- :mod:`.package`: :class:`Package`, a package folder or zip read once.
- :mod:`.versions`: package versions and Murano's version specs (Require, object types).
- :mod:`.atomic`: :func:`atomic_write` and :func:`atomic_folder`.
- :mod:`.reading`: :func:`read_file`, the one way a file a user named is read (regular
  files only: pipes and devices refused unread).
- :mod:`.json_text`: :func:`load_json`, the one JSON reader of input (depth capped).

It imports nothing else of the engine (nor yaql); the engine and the tools import it.
"""

from .atomic import atomic_folder, atomic_write, move_into_place, write_file
from .errors import SourceError
from .json_text import load_json
from .located_yaml import (
    QuotedStr,
    YamlMap,
    YamlSeq,
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
    contained_path,
    find_package_dirs,
    is_dotted_name,
    is_junk,
    parse_format,
)
from .reading import check_regular_file, read_file, read_text

__all__ = ["MANIFEST", "Package", "PackageFile", "QuotedStr", "SUPPORTED_FORMATS",
           "SourceError", "YamlMap", "YamlSeq", "atomic_folder", "atomic_write",
           "check_regular_file", "contained_path", "find_package_dirs", "is_dotted_name", "is_junk",
           "key_line_of", "line_of", "load_json", "load_yaml", "load_yaml_documents",
           "load_yaml_file", "move_into_place", "parse_format", "plain_copy", "position",
           "read_file", "read_text", "write_file"]
