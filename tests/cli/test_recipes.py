"""Every sh block of docs/recipes.md, run with bash against a live server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, GunicornProcess

RECIPES = (ROOT / "docs" / "recipes.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"<!-- expect: (.*?) -->\n```sh\n(.*?)```", RECIPES, re.S)


def test_every_recipe_block_has_an_expectation() -> None:
    assert len(BLOCKS) == RECIPES.count("```sh") >= 7


@pytest.mark.parametrize("expect,script", BLOCKS, ids=[f"recipe-{i}" for i in range(len(BLOCKS))])
def test_recipe(expect: str, script: str, live_server: GunicornProcess, tmp_path: Path) -> None:
    path = os.pathsep.join([str(ROOT / "tests" / "cli" / "bin"), str(Path(sys.executable).parent), os.environ["PATH"]])
    env = {**os.environ, "PATH": path, "BURNLINK_SERVER": live_server.url}
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert expect in result.stdout, result.stdout + result.stderr
