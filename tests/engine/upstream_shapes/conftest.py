"""pytest set-up of the upstream-shapes suite (helpers live in upstream_shapes_support)."""

import collections.abc  # noqa: F401  (yaql 3 needs it before yaql is imported)
