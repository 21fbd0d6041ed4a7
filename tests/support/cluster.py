"""A private 3-primary Redis Cluster on free loopback ports, for the tests and benchmarks.

Three ``redis-server --cluster-enabled yes`` (no persistence, like every server the tests
start) joined with ``redis-cli --cluster create … --cluster-replicas 0 --cluster-yes``;
:meth:`RedisCluster.start` returns once every node reports ``cluster_state:ok``.
A missing redis-server or redis-cli is a hard failure, never a skip.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field

from tests.support import RedisProcess, free_port, require_binary, wait_for

PRIMARIES = 3


def cluster_port() -> int:
    """A free port whose cluster bus port (+10000, so at most 65535) is free too."""
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

    @property
    def ports(self) -> list[int]:
        return [node.port for node in self.nodes]

    def start(self) -> RedisCluster:
        """Start the nodes, create the cluster (slots split three ways), wait for cluster_state:ok."""
        cli = require_binary("redis-cli")
        try:
            for _ in range(PRIMARIES):
                node = RedisProcess(port=cluster_port(), workdir=self.workdir)
                node.extra = ("--cluster-enabled", "yes", "--cluster-config-file", f"{self.workdir}/nodes-{node.port}.conf",
                              "--cluster-node-timeout", "2000")
                self.nodes.append(node.start())
            created = subprocess.run([cli, "--cluster", "create", *(f"127.0.0.1:{p}" for p in self.ports),
                                      "--cluster-replicas", "0", "--cluster-yes"],
                                     capture_output=True, text=True, timeout=60)
            if created.returncode != 0:
                raise RuntimeError(f"redis-cli --cluster create failed:\n{created.stdout}\n{created.stderr}")
            for node in self.nodes:
                wait_for(lambda node=node: "cluster_state:ok" in node.cli("cluster", "info"), timeout=30,
                         what=f"cluster_state:ok on port {node.port}")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Kill every node and remove their files."""
        for node in self.nodes:
            node.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)
