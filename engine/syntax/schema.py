"""The shape of a MuranoPL class: its keys, the keys of its members, usages and macros.

The engine builds classes and compiles method bodies by these tables and the validator
checks class files by the same ones, so that they cannot disagree on what a class may say.
Unknown class keys are tolerated (upstream ignores them; the validator warns); unknown keys
of a property, method, argument, macro or ``Catch`` are errors.
"""

from __future__ import annotations

# --- classes ------------------------------------------------------------------------------
CLASS_KEYS = frozenset(("Namespaces", "Name", "Extends", "Properties", "Methods", "Meta",
                        "Import", "Usage", "Applies", "Cardinality", "Inherited", "Workflow"))
"""``Workflow`` is the pre-``Methods`` spelling of Format 1.0."""
CLASS_USAGES = frozenset(("Class", "Meta"))
CARDINALITIES = frozenset(("One", "Many"))
APPLIES = frozenset(("Package", "Type", "Method", "Property", "Argument", "All"))
META_TARGETS = APPLIES - {"All"}
"""What a meta class may be attached to (``Applies: All`` is every one of them)."""
ROOT_CLASS = "io.murano.Object"
"""What a class without ``Extends`` derives from."""


def valid_applies(value: object) -> bool:
    """A meta class's ``Applies``: one target or a list of them."""
    values = value if isinstance(value, list) else [value]
    return all(isinstance(v, str) and v in APPLIES for v in values)


def meta_targets(value: object) -> frozenset:
    """The targets of a (valid) ``Applies`` value; absent or ``All`` is every target."""
    if value is None:
        return META_TARGETS
    values = set(value if isinstance(value, list) else [value])
    return META_TARGETS if "All" in values else frozenset(values)

# --- properties ---------------------------------------------------------------------------
PROPERTY_KEYS = frozenset(("Contract", "Usage", "Default", "Meta"))
PROPERTY_USAGES = frozenset(("In", "Out", "InOut", "Runtime", "Const", "Config", "Static"))
DEFAULT_PROPERTY_USAGE = "In"
WRITABLE_USAGES = frozenset(("Out", "InOut", "Runtime", "Static", "Config"))
"""Usages a class may write from its own methods (In and Const only its ``.init``)."""
HIDDEN_USAGES = frozenset(("Runtime", "Static", "Config"))
"""Usages whose values never leave the engine in an object model."""

# --- methods and arguments ------------------------------------------------------------------
METHOD_KEYS = frozenset(("Arguments", "Body", "Usage", "Scope", "Meta", "Returns"))
METHOD_USAGES = frozenset(("Runtime", "Action", "Static", "Extension"))
STATIC_USAGES = frozenset(("Static", "Extension"))
DEFAULT_METHOD_USAGE = "Runtime"
METHOD_SCOPES = frozenset(("Session", "Public"))
SPECIAL_METHODS = frozenset((".init", ".destroy"))
OLD_METHOD_NAMES = {"initialize": ".init", "destroy": ".destroy"}
"""Upstream's class loader renames these to the lifecycle methods."""
ARGUMENT_KEYS = frozenset(("Contract", "Usage", "Meta", "Default"))
ARGUMENT_USAGES = frozenset(("Standard", "VarArgs", "KwArgs"))
DEFAULT_ARGUMENT_USAGE = "Standard"


def default_scope(usage: str) -> str:
    """A method's Scope when it gives none: actions are Public, others Session."""
    return "Public" if usage == "Action" else "Session"


# --- method bodies --------------------------------------------------------------------------
class Macro:
    """A statement mapping led by ``keyword``, with the other keys it must and may have."""

    __slots__ = ("keyword", "required", "optional", "keys")

    def __init__(self, keyword: str, required: frozenset = frozenset(),
                 optional: frozenset = frozenset()) -> None:
        self.keyword = keyword
        self.required = required
        self.optional = optional
        self.keys = required | optional | {keyword}     # every key the mapping may have

    def __repr__(self) -> str:
        return f"Macro({self.keyword!r})"


MACROS: dict[str, Macro] = {m.keyword: m for m in (
    Macro("If", frozenset(("Then",)), frozenset(("Else",))),
    Macro("While", frozenset(("Do",))),
    Macro("For", frozenset(("In", "Do"))),
    Macro("Repeat", frozenset(("Do",))),
    Macro("Match", frozenset(("Value",)), frozenset(("Default",))),
    Macro("Switch", frozenset(), frozenset(("Default",))),
    Macro("Try", frozenset(), frozenset(("Catch", "Else", "Finally"))),
    Macro("Throw", frozenset(), frozenset(("Message", "Extra", "Cause"))),
    Macro("Parallel", frozenset(), frozenset(("Limit",))),
    Macro("Return"),
    Macro("Break"),
    Macro("Continue"),
    Macro("Rethrow"),
    Macro("Do"),
)}
"""Every macro by its keyword. ``Do`` comes last: it is also a key of the loops."""
CATCH_KEYS = frozenset(("With", "As", "Do"))
NO_VALUE_MACROS = frozenset(("Break", "Continue", "Rethrow"))
"""Macros whose keyword takes no value."""


def is_variable_name(value: object) -> bool:
    """A loop or ``Catch As`` variable: a name, with or without its ``$``."""
    return isinstance(value, str) and value.removeprefix("$").isidentifier()


def macro_of(statement: dict) -> Macro | None:
    """The macro a statement mapping is (its first macro keyword, ``Do`` last), or None
    for an assignment."""
    for keyword, macro in MACROS.items():
        if keyword in statement:
            return macro
    return None
