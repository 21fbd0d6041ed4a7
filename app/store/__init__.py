"""The store: secrets and their receipts in Redis, behind one class.

:class:`Store` runs the Lua scripts of ``scripts/``; :func:`connect` makes the
client for plain Redis, Redis Cluster, Sentinel or the embedded in-memory
store. The store knows no HTTP: it raises domain errors with codes.
"""

from .connection import connect, supports_script_flags
from .records import Created, Metadata, Receipt, Revealed
from .secrets import Store

__all__ = ["Created", "Metadata", "Receipt", "Revealed", "Store", "connect", "supports_script_flags"]
