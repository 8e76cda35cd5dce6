"""pytest set-up of the MuranoPL compatibility suite (helpers live in compat_support)."""

import collections.abc  # noqa: F401  (yaql 3 needs it before yaql is imported)
