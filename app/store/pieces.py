"""How a secret's bytes are laid out in Redis so that the allocator wastes almost none of them.

Redis keeps a string value in one allocation, and jemalloc (Redis's allocator) rounds every
allocation up to its next size class: four classes per doubling, so a value just over 64 KiB
takes 80 KiB, a quarter more. Where that rounding would waste more than a hash of pieces
costs, the value is stored as a hash instead: piece ``0`` holds the two verifiers and the
first bytes of the blob, pieces ``1``… hold the rest in chunks whose allocations are exactly
size classes. Small secrets stay one string, which is cheaper below that point.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache

# What a hash of pieces costs beyond a string (its table and one entry per piece), measured
# with MEMORY USAGE on Redis 7: below this much rounding, one string is cheaper.
HASH_COST = 256
# Pieces are at least this long, so a secret takes a handful of them (each a quarter of the last).
MIN_CHUNK = 512


@cache
def size_classes(limit: int = 1 << 30) -> tuple[int, ...]:
    """jemalloc's size classes (4 KiB pages, 16-byte quantum) up to ``limit``."""
    classes = [8, *range(16, 129, 16)]
    base = 128
    while base < limit:
        classes += [base + step * base // 4 for step in range(1, 5)]
        base *= 2
    return tuple(classes)


def _overhead(length: int) -> int:
    """An sds string's header and terminator for a value of ``length`` bytes."""
    return (3 if length < 1 << 8 else 5 if length < 1 << 16 else 9) + 1


def allocated(length: int) -> int:
    """What a string value of ``length`` bytes occupies once the allocator has rounded it."""
    classes = size_classes()
    need = length + _overhead(length)
    return classes[bisect_right(classes, need - 1)]


def _exact(size: int) -> int:
    """The value length whose allocation is exactly the size class ``size``."""
    length = size - 6
    if length < 1 << 8:
        return size - 4
    return size - 10 if length >= 1 << 16 else length


def _fitting(length: int) -> int:
    """The longest value of at most ``length`` bytes whose allocation is exactly a size class."""
    return max((_exact(size) for size in size_classes() if _exact(size) <= length), default=0)


def pieces(head: bytes, blob: bytes) -> list[bytes]:
    """``head + blob`` as one string value, or as pieces for a hash when that wastes less."""
    whole = len(head) + len(blob)
    if allocated(whole) - whole <= HASH_COST:
        return [head + blob]
    chunks = []
    end = len(blob)
    # Exact-fit chunks from the end; whatever is left (less than the smallest worthwhile
    # chunk) rides in piece 0 with the verifiers.
    while end >= MIN_CHUNK:
        size = _fitting(end)
        chunks.append(blob[end - size:end])
        end -= size
    return [head + blob[:end], *reversed(chunks)]
