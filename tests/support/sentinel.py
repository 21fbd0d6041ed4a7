"""A private Redis primary with a replica and three Sentinels, for the failover tests."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import RedisProcess, free_port, require_binary, wait_for

SERVICE = "burnlink"


@dataclass
class SentinelGroup:
    primary: RedisProcess | None = None
    replica: RedisProcess | None = None
    sentinels: list[subprocess.Popen] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    workdir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="burnlink-sentinel-"))

    @property
    def url(self) -> str:
        return "redis+sentinel://" + ",".join(f"127.0.0.1:{p}" for p in self.ports) + f"/{SERVICE}"

    def start(self) -> SentinelGroup:
        self.primary = RedisProcess().start()
        replica = RedisProcess()
        replica.extra = ("--replicaof", "127.0.0.1", str(self.primary.port))
        self.replica = replica.start()
        for _ in range(3):
            port = free_port()
            conf = Path(self.workdir) / f"sentinel-{port}.conf"
            conf.write_text(f"port {port}\nbind 127.0.0.1\ndir {self.workdir}\n"
                            f"sentinel monitor {SERVICE} 127.0.0.1 {self.primary.port} 2\n"
                            f"sentinel down-after-milliseconds {SERVICE} 1000\n"
                            f"sentinel failover-timeout {SERVICE} 5000\n")
            self.sentinels.append(subprocess.Popen([require_binary("redis-server"), str(conf), "--sentinel"],
                                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            self.ports.append(port)
        wait_for(lambda: "role:slave" in self.replica.cli("info", "replication")
                 and "master_link_status:up" in self.replica.cli("info", "replication"), timeout=30, what="replication")
        return self

    def stop(self) -> None:
        for proc in self.sentinels:
            proc.kill()
            proc.wait(timeout=10)
        for node in (self.primary, self.replica):
            if node:
                node.stop()
