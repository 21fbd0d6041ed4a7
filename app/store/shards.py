"""Shards: the hash tags that place a secret's keys, its stream and its due index in one slot.

A Lua script may touch the keys of one Redis Cluster slot only. Each secret therefore lives in
one of :data:`SHARDS` shards: its keys carry the shard's hash tag, and so do the shard's event
stream and due index, which the secret's scripts write in the same step. The tags are chosen
so that their slots are spread evenly over the slot space, and so over a cluster's primaries.
"""

from __future__ import annotations

from functools import cache

from redis.crc import REDIS_CLUSTER_HASH_SLOTS, key_slot

SHARDS = 16
# A base64url symbol carries 6 random bits of the id; 64 is a multiple of SHARDS, so the
# first symbol alone picks a shard uniformly.
_SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_SYMBOL_VALUE = {c: i for i, c in enumerate(_SYMBOLS)}


@cache
def shard_tags(count: int = SHARDS) -> tuple[str, ...]:
    """One tag per shard, each hashing into the middle half of its 1/count of the slot space."""
    width = REDIS_CLUSTER_HASH_SLOTS // count
    tags = []
    for index in range(count):
        low, high = index * width + width // 4, (index + 1) * width - width // 4
        n = 0
        while not low <= key_slot(f"e{n}".encode()) < high:
            n += 1
        tags.append(f"e{n}")
    return tuple(tags)


def shard_of(secret_id: str, count: int = SHARDS) -> str:
    """The tag of the shard ``secret_id`` lives in."""
    return shard_tags(count)[_SYMBOL_VALUE[secret_id[0]] % count]
