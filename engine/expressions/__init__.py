"""Compiled expressions and data: what method bodies, contracts and defaults are made of.

:mod:`.expression` compiles a yaql expression once (parsed by the syntax floor) into an
:class:`~.expression.Expression` whose ``evaluate(ctx)`` runs a closure from
:mod:`.fastpath` for common shapes, or yaql's own runner; :mod:`.data` turns YAML data that
may hold expressions into evaluable nodes; :mod:`.calls` holds the object operations both
the fast path and Murano's yaql functions perform (``new``, method calls, class lookup).
"""
