"""Every sh block of docs/recipes.md, run with bash against a live server.

Each block is preceded by one or more ``<!-- expect: TEXT -->`` lines: what its stdout must
contain (the round-tripped secret, wherever the recipe prints it).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, GunicornProcess

RECIPES = (ROOT / "docs" / "recipes.md").read_text(encoding="utf-8")
BLOCKS = [(re.findall(r"<!-- expect: (.*?) -->", expects), script)
          for expects, script in re.findall(r"((?:<!-- expect: .*? -->\n)+)```sh\n(.*?)```", RECIPES, re.S)]
TOPICS = ["access key", "Temporary credentials", "Straight into the AWS CLI", "Several new IAM users", "password reset", "MFA",
          ".env", "only curl", "script", "API tokens", "Offboarding", "Ask a vendor"]


def test_every_sh_block_has_expectations_and_every_topic_a_recipe() -> None:
    assert len(BLOCKS) == RECIPES.count("```sh") >= len(TOPICS)
    headings = re.findall(r"^## (.*)$", RECIPES, re.M)
    for topic in TOPICS:
        assert any(topic in heading for heading in headings), topic


@pytest.mark.parametrize("expects,script", BLOCKS, ids=[f"recipe-{i}" for i in range(len(BLOCKS))])
def test_recipe(expects: list[str], script: str, live_server: GunicornProcess, tmp_path: Path) -> None:
    bin_dirs = [str(ROOT / "tests" / "cli" / "bin"), str(Path(sys.executable).parent)]  # stand-in aws, then burnlink
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BURNLINK_", "AWS_"))}  # HOME's ~/.aws alone
    env.update(PATH=os.pathsep.join([*bin_dirs, os.environ["PATH"]]), BURNLINK_SERVER=live_server.url, HOME=str(tmp_path))
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout + result.stderr
    for expect in expects:
        assert expect in result.stdout, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "warning" not in result.stderr, result.stderr  # the recipes pass no link, code or token as an argument
