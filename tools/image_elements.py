"""Where the image's diskimage-builder elements are: the checkout or the installed package.

In a source checkout (or an editable install) they are the ``elements/`` folder beside
``tools/``; an installed wheel carries the same files as package data under
``muranokit/elements``. ``MURANOKIT_ELEMENTS`` names another folder explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from muranokit.tools.exceptions import InputError

ELEMENTS_VARIABLE = "MURANOKIT_ELEMENTS"
SOURCE_ELEMENTS = Path(__file__).resolve().parent.parent / "elements"
MARKER = "muranokit-kubernetes-image"  # the element every image build starts from


def installed_elements() -> Path:
    """The elements shipped inside the installed ``muranokit`` package."""
    import muranokit

    return Path(muranokit.__file__).resolve().parent / "elements"


def find_elements(env: Mapping[str, str] | None = None) -> Path:
    """The elements folder to build with; InputError saying how to point at one."""
    env = os.environ if env is None else env
    explicit = env.get(ELEMENTS_VARIABLE)
    if explicit:
        folder = Path(explicit).expanduser().resolve()
        if not (folder / MARKER).is_dir():
            raise InputError(f"{ELEMENTS_VARIABLE}={explicit} does not hold the muranokit "
                             f"elements (no {MARKER}/ in it)")
        return folder
    places = list(dict.fromkeys((SOURCE_ELEMENTS, installed_elements())))
    for folder in places:
        if (folder / MARKER).is_dir():
            return folder
    raise InputError(f"the muranokit diskimage-builder elements were not found (looked in "
                     f"{' and '.join(map(str, places))}); set "
                     f"{ELEMENTS_VARIABLE}=DIR to the 'elements' folder of a muranokit "
                     "checkout or reinstall muranokit")
