"""A private 3-primary Redis Cluster on free loopback ports, for the tests and benchmarks."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field

from tests.support import RedisProcess, free_port, require_binary, wait_for


def cluster_port() -> int:
    """A free port whose cluster bus port (+10000, so at most 65535) is free too."""
    import socket

    for _ in range(200):
        port = free_port()
        if port > 55535:
            port -= 20000  # ephemeral ports are often high; look lower
        try:
            for candidate in (port, port + 10000):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port pair for a cluster node")


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
            node = RedisProcess(port=cluster_port())
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
