"""The clouds behind the offline core library.

The core library talks to a cloud through one interface,
:class:`~muranokit.engine.corelib.cloud.backend.CloudBackend` (Heat stacks, murano-agent,
Neutron facts, the trace). :class:`Cloud` is the simulated one a dry-run uses by default:
Heat stacks, murano-agent execution plans per VM, a deterministic address allocator, fault
rules (:func:`load_rules`) and the trace of events. It knows nothing about the MuranoPL
engine; the native classes under ``corelib/native`` reach whichever backend the runtime was
given.
"""

from muranokit.engine.corelib.cloud.backend import CloudBackend
from muranokit.engine.corelib.cloud.cloud import STATE_VERSION, Cloud, CloudError
from muranokit.engine.corelib.cloud.rules import RulesError, load_rules

__all__ = ["Cloud", "CloudBackend", "CloudError", "RulesError", "STATE_VERSION", "load_rules"]
