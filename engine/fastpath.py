"""Fast evaluation of common yaql expression shapes (filled in below)."""

from __future__ import annotations


def compile_tree(tree):
    """Return a Python closure ``f(ctx)`` equivalent to the yaql tree, or None."""
    return None
