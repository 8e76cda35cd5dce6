"""Murano's yaql functions, which the runtime registers into the contexts MuranoPL runs in.

:mod:`.library` builds the root context of each yaql flavour (yaql's standard or legacy
library plus Murano's functions from :mod:`.objects`, :mod:`.data` and :mod:`.reflection`);
:mod:`.extensions` layers a class's ``Usage: Extension`` methods and its ``Import:`` list
on top. Functions reach the running engine through the frame in the context (``#f``).
"""
