"""MuranoPL syntax, defined once: what the engine runs and the validator checks.

- :mod:`.grammar`: the Murano yaql grammar (yaql plus ``is`` and the ``ns:Name`` operators)
  and the one on-disk cache of its parser tables;
- :mod:`.expressions`: the rule that tells an expression from a literal (quoted YAML scalars
  and plain words are literals), and parsing with it;
- :mod:`.schema`: the keys of classes, properties, methods and arguments, their usages, and
  the macros of method bodies with their keys;
- :mod:`.names`: class names with namespace prefixes (``ns:Name``, ``=:Name``);
- :mod:`.documents`: the class documents of one file (a ``Namespaces``-only header).

Nothing here imports yaql until an expression is parsed, so that ``muranokit build`` and
``validate`` start fast.
"""
