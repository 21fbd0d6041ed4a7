"""``burnlink audit``: the audit trail since a time, as NDJSON or CSV on stdout."""

from __future__ import annotations

import click

from ..core.config import load_config
from ..core.errors import BurnlinkError, ConfigError, ErrorCode
from .exits import fail


@click.command()
@click.option("--since", default="7d", show_default=True, help="How far back: 3600, 90m, 12h, 7d.")
@click.option("--format", "form", type=click.Choice(["ndjson", "csv"]), default="ndjson", show_default=True)
def audit(since: str, form: str) -> None:
    """Export the audit trail from REDIS_URL: one event a line (time, type, id, counts, client facts)."""
    import csv
    import json
    import sys
    import time

    # Loaded here only: the client commands never load Redis.
    from redis.exceptions import RedisError

    from ..core.wire import parse_duration
    from ..notifications.audit import COLUMNS, read_audit
    from ..store import connect

    try:
        seconds = parse_duration(since)
    except BurnlinkError:
        fail("--since must look like 3600, 90m, 12h or 7d.")
    try:
        config = load_config()
    except ConfigError as err:
        fail(" ".join(err.problems))
    if not config.redis_url:
        fail("REDIS_URL is not set: the audit trail lives in the service's Redis.")
    client, _ = connect(config.redis_url, timeout=config.redis_timeout)
    writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n") if form == "csv" else None
    if writer:
        writer.writeheader()
    try:
        for entry in read_audit(client, config.key_prefix, time.time() - seconds):
            if writer:
                writer.writerow(entry)
            else:
                sys.stdout.write(json.dumps(entry, separators=(",", ":")) + "\n")
    except RedisError as err:
        raise BurnlinkError(f"Redis failed ({type(err).__name__}).", code=ErrorCode.STORAGE_UNAVAILABLE) from None
