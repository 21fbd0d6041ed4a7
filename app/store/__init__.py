"""The store: secrets and their receipts in Redis, behind one class.

:class:`Store` runs the Lua scripts of ``scripts/``; :func:`connect` makes the
client for plain Redis, Redis Cluster, Sentinel or the embedded in-memory
store. The store knows no HTTP: it raises domain errors with codes.
"""

from .connection import connect, supports_script_flags
from .records import EVENT_NAMES, Created, Delivery, Event, Metadata, Receipt, Revealed
from .requests import AlreadyAnswered, RequestStore
from .secrets import Store
from .shards import SHARDS, shard_of, shard_tags

__all__ = ["EVENT_NAMES", "SHARDS", "AlreadyAnswered", "Created", "Delivery", "Event", "Metadata", "Receipt", "RequestStore",
           "Revealed", "Store", "connect", "shard_of", "shard_tags", "supports_script_flags"]
