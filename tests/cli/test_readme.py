"""Every sh block of README.md, run with bash against a live server, the way a reader would run it.

A block may be preceded by ``<!-- expect: TEXT -->`` lines (what its stdout must contain) or by one
``<!-- not run: REASON -->`` line; only blocks that start a server are not run. The reader has
run `make run` or `make test` and stands in the checkout: the scratch directory holds the checkout's
``.venv`` and nothing else, and ``burnlink`` is not on PATH until a block activates the venv.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, GunicornProcess

README = (ROOT / "README.md").read_text(encoding="utf-8")
MARKED = re.findall(r"((?:<!-- (?:expect|not run): .*? -->\n)*)```sh\n(.*?)```", README, re.S)
BLOCKS = [(re.findall(r"<!-- expect: (.*?) -->", marks), script) for marks, script in MARKED
          if "<!-- not run:" not in marks]
NOT_RUN = [script for marks, script in MARKED if "<!-- not run:" in marks]
VENV_BIN = str(Path(sys.executable).parent)


def test_every_sh_block_is_run_but_those_that_start_a_server() -> None:
    assert len(MARKED) == README.count("```sh") and len(BLOCKS) >= 2
    assert len(NOT_RUN) == 1 and "make run" in NOT_RUN[0]
    assert all(expects for expects, _ in BLOCKS)


def test_the_readme_keeps_secrets_off_command_lines() -> None:
    """Arguments are readable by every user of the machine: no key, code or token is passed as one."""
    for _, script in BLOCKS:
        assert not re.search(r"--(code|token|code-value)[ =]|Bearer \$TOKEN\"|-d \"?key=|burnlink get \"?\$", script), script


@pytest.mark.parametrize("expects,script", BLOCKS, ids=[f"readme-{i}" for i in range(len(BLOCKS))])
def test_readme_block(expects: list[str], script: str, live_server: GunicornProcess, tmp_path: Path) -> None:
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    path = [d for d in os.environ["PATH"].split(os.pathsep) if d and os.path.realpath(d) != os.path.realpath(VENV_BIN)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BURNLINK_") and k != "VIRTUAL_ENV"}
    env.update(PATH=os.pathsep.join(path), BURNLINK_SERVER=live_server.url, HOME=str(tmp_path))
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout + result.stderr
    for expect in expects:
        assert expect in result.stdout, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "warning" not in result.stderr, result.stderr
