"""Method bodies: YAML statements compiled into statement and macro nodes that run on a frame.

:mod:`.compiler` compiles a body (and a method's argument contracts and defaults) on first
use; :mod:`.statements` holds expression statements, assignments and blocks; :mod:`.macros`
the macros (If, For, Try, Parallel, ...).
"""
