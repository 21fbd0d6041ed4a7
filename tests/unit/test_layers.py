"""The package's layers: imports only point down (core < store < notifications < server < cli)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

APP = ROOT / "app"
RANK = {"core": 0, "store": 1, "notifications": 2, "server": 3, "cli": 4}
# Third-party packages a layer must not touch, whatever it imports of ours.
FORBIDDEN = {
    "core": {"flask", "werkzeug", "redis", "fakeredis", "flask_limiter", "prometheus_client", "gunicorn", "click"},
    "store": {"flask", "werkzeug", "flask_limiter", "click"},
    "notifications": {"flask", "werkzeug", "click"},
    "server": {"click"},
}
# The CLI's thin entry points that may start the server.
STARTS_SERVER = {"serve.py"}


def _imports(path: Path) -> list[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                names += [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
            else:
                names.append(node.module or "")
    return names


MODULES = sorted(p for p in APP.rglob("*.py") if p.parent != APP)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path: Path) -> None:
    layer = path.relative_to(APP).parts[0]
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] == "app" and len(parts) > 1:
            target = parts[1]
            allowed = RANK[target] <= RANK[layer]
            if layer == "cli" and target == "server":
                allowed = path.name in STARTS_SERVER
            assert allowed, f"{path.relative_to(ROOT)} imports {name}: {layer} may not depend on {target}"
        else:
            assert parts[0] not in FORBIDDEN.get(layer, set()), f"{path.relative_to(ROOT)} imports {name}"


def test_every_module_belongs_to_a_layer() -> None:
    assert {p.relative_to(APP).parts[0] for p in MODULES} <= set(RANK)


def test_the_client_commands_never_load_the_server() -> None:
    code = ("import sys; from app.cli.main import main; "
            "print(sorted(m for m in sys.modules if m.startswith(('app.server', 'flask', 'werkzeug', 'redis'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_no_module_is_over_400_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in APP.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
