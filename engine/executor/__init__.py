"""The executor: frames, method calls with their arguments, property access, object life.

- :mod:`.frames`: one activation of a MuranoPL method (the MuranoPL stack);
- :mod:`.calls`: finding and invoking methods, binding arguments through their contracts;
- :mod:`.properties`: reading and writing properties (usages, contracts, statics);
- :mod:`.lifecycle`: filling a new object's properties, ``.init`` and ``.destroy``.

Services of the running engine (contexts, natives, scheduler, error wrapping) are reached
through ``frame.runtime`` / the ``runtime`` argument: the interpreter.
"""
