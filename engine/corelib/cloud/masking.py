"""Secret masking: values of password-like properties never reach a trace, report or log."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MASK = "***"
# A secret value shorter than this is masked in text only where it stands as a whole token
# (no letter, digit or underscore right before or after it): inside a longer word it is most
# likely a coincidence, and masking it there would garble the word and show where the
# secret's letters were. Values of 1-2 characters are not looked for in text at all.
WHOLE_TOKEN_BELOW = 6
SHORTEST_IN_TEXT = 3

# Property names that hold secrets whatever the contract says.
_SECRET_NAME = re.compile(r"(?i)(password|passwd|_pass$|^pass$|secret|gcloudkey|privatekey|token)")


class Masker:
    """Replaces secrets by ``***``: values under secret keys, and those values anywhere else."""

    def __init__(self, keys: Iterable[str] = (), values: Iterable[str] = ()) -> None:
        self._keys = {k.lower() for k in keys}
        self._values: set[str] = set()
        self.add_values(values)

    def add_keys(self, keys: Iterable[str]) -> None:
        """Treat properties with these names (any letter case) as secrets."""
        self._keys.update(k.lower() for k in keys)

    def add_values(self, values: Iterable[Any]) -> None:
        """Mask these exact strings in text: from 6 characters on wherever they appear, of 3-5
        only as whole tokens; 1-2 character values are only masked under secret keys."""
        for value in values:
            if isinstance(value, str) and len(value) >= SHORTEST_IN_TEXT and value != MASK:
                self._values.add(value)
        self._pattern = _text_pattern(self._values)

    def is_secret_key(self, key: Any) -> bool:
        """True if a property or parameter of this name holds a secret."""
        return isinstance(key, str) and (key.lower() in self._keys
                                         or bool(_SECRET_NAME.search(key)))

    def learn(self, data: Any) -> None:
        """Remember the values found under secret keys anywhere in ``data``."""
        found: list[str] = []
        self._collect(data, found)
        if found:
            self.add_values(found)

    def _collect(self, data: Any, found: list[str]) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                if self.is_secret_key(key) and isinstance(value, str):
                    found.append(value)
                else:
                    self._collect(value, found)
        elif isinstance(data, (list, tuple)):
            for item in data:
                self._collect(item, found)

    def mask(self, data: Any) -> Any:
        """A copy of ``data`` with every secret replaced by ``***``."""
        if isinstance(data, dict):
            return {key: (MASK if self.is_secret_key(key) and isinstance(value, str) and value
                          else self.mask(value))
                    for key, value in data.items()}
        if isinstance(data, list):
            return [self.mask(item) for item in data]
        if isinstance(data, tuple):
            return tuple(self.mask(item) for item in data)
        if isinstance(data, str) and self._pattern is not None:
            return self._pattern.sub(MASK, data)
        return data


def _text_pattern(values: set[str]) -> re.Pattern[str] | None:
    """One regular expression finding every value in text, longest first."""
    if not values:
        return None
    parts = []
    for value in sorted(values, key=len, reverse=True):
        escaped = re.escape(value)
        parts.append(escaped if len(value) >= WHOLE_TOKEN_BELOW
                     else rf"(?<!\w){escaped}(?!\w)")
    return re.compile("|".join(parts))
