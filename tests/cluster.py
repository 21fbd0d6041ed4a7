"""A private 3-primary Redis Cluster on free loopback ports, for the tests and benchmarks."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field

from tests.support import RedisProcess, require_binary, wait_for


@dataclass
class RedisCluster:
    """Three ``redis-server --cluster-enabled yes`` joined with ``redis-cli --cluster create``."""

    nodes: list[RedisProcess] = field(default_factory=list)
    workdir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="burnlink-cluster-"))

    @property
    def url(self) -> str:
        """The REDIS_URL burnlink takes for a cluster (any node; the client discovers the rest)."""
        return f"redis+cluster://127.0.0.1:{self.nodes[0].port}"

    def start(self) -> RedisCluster:
        for _ in range(3):
            node = RedisProcess()
            node.extra = ("--cluster-enabled", "yes", "--cluster-config-file", f"{self.workdir}/nodes-{node.port}.conf",
                          "--cluster-node-timeout", "2000")
            self.nodes.append(node.start())
        addresses = [f"127.0.0.1:{n.port}" for n in self.nodes]
        subprocess.run([require_binary("redis-cli"), "--cluster", "create", *addresses, "--cluster-replicas", "0",
                        "--cluster-yes"], capture_output=True, text=True, timeout=60, check=True)
        for node in self.nodes:
            wait_for(lambda node=node: "cluster_state:ok" in node.cli("cluster", "info"), timeout=30, what="cluster_state:ok")
        return self

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
