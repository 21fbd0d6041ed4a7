"""The lock files pin every dependency pyproject.toml names, each with hashes, and `make` installs from them."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support import ROOT

PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ \\]+)")


def pins(name: str) -> dict[str, tuple[str, frozenset[str]]]:
    """``{package: (version, hashes)}`` of one lock file; every pin must carry a hash."""
    found: dict[str, tuple[str, frozenset[str]]] = {}
    current = None
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            found[current] = (match[2], frozenset())
        elif current and (hashed := re.search(r"--hash=(sha256:[0-9a-f]{64})", line)):
            version, hashes = found[current]
            found[current] = (version, hashes | {hashed[1]})
        elif line.strip() and not line.lstrip().startswith("#"):
            raise AssertionError(f"{name}: unexpected line {line!r}")
    assert found and all(hashes for _, hashes in found.values()), f"{name}: a pin without a hash"
    return found


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def test_every_dependency_is_pinned_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime, test = pins("requirements.lock"), pins("requirements-test.lock")
    missing = names(project["dependencies"]) - set(runtime)
    assert missing == set(), f"run `make lock`: {sorted(missing)} not in requirements.lock"
    missing = names(project["optional-dependencies"]["test"]) - set(test)
    assert missing == set(), f"run `make lock`: {sorted(missing)} not in requirements-test.lock"
    # The test environment runs exactly what production runs.
    assert {name: test.get(name) for name in runtime} == runtime
    tools = pins("requirements-tools.lock")
    assert {"pip-audit", "uv"} <= set(tools)


def test_make_installs_only_from_the_lock_files() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line.strip() for line in makefile.splitlines() if "pip install" in line and "bench" not in line]
    assert installs, "no install line found"
    for line in installs:
        assert "--require-hashes -r requirements" in line or "--no-deps" in line, line
    # Serving installs the runtime lock (and the locked build backend) only; testing adds the test lock.
    assert any("-r requirements.lock -r requirements-build.lock" in line for line in installs)
    assert any(line.endswith("--require-hashes -r requirements-test.lock") for line in installs)
