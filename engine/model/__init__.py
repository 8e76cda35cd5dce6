"""The class and object model: classes with their members, objects and proxies.

Classes are built from class documents by :mod:`.build`; nothing here runs code. What the
lower floors need of a running engine (reading a property, resolving a class name) they ask
of ``obj.runtime`` / ``frame.runtime``, the interpreter the runtime gives them.
"""
