"""The offline io.murano core library and the clouds it talks to.

- ``Classes/``: the library's MuranoPL classes; ``native/``: the Python halves of its
  system classes (Heat stacks, the agent, networks, reporters, tests), which reach the
  cloud through :mod:`.cloud.backend`;
- :mod:`.library`: loading it (:func:`shared`, once per process);
- :mod:`.cloud`: the backend interface and the simulated cloud.
"""

from .library import CoreLibrary, shared

__all__ = ["CoreLibrary", "shared"]
