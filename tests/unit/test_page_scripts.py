"""static/js: the page scripts, read as text."""

from __future__ import annotations

from tests.support import ROOT


def test_page_scripts_never_build_markup_from_strings() -> None:
    """Secrets reach the DOM only through textContent: no HTML sinks in our scripts at all."""
    scripts = sorted((ROOT / "static" / "js").rglob("*.js"))
    assert len(scripts) >= 5
    for script in scripts:
        source = script.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in source, f"{script.name} uses {sink}"
