"""The simulated cloud behind the offline core library.

A :class:`~muranokit.engine.corelib.cloud.cloud.Cloud` bundles everything a dry-run needs:
Heat stacks, murano-agent execution plans per VM, a deterministic address allocator, fault
rules and the trace of events. It knows nothing about the MuranoPL engine; the native classes
under ``corelib/native`` reach it through ``runtime.services["cloud"]``.
"""

from muranokit.engine.corelib.cloud.cloud import STATE_VERSION, Cloud, CloudError

__all__ = ["Cloud", "CloudError", "STATE_VERSION"]
