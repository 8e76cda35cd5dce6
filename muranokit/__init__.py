"""muranokit: package, image-build and dry-run toolkit for the Murano Kubernetes suite.

The import packages live in ``engine/`` (``muranokit.engine``) and ``tools/``
(``muranokit.tools``); this module only carries the version.
"""

__version__ = "0.1.0"
