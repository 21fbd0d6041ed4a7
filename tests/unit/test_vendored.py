"""Vendored browser code is exactly what its manifest says: name, version, source and SHA-256."""

from __future__ import annotations

import hashlib
import json
import re

from tests.support import ROOT

VENDOR = ROOT / "static" / "vendor"


def test_every_vendored_directory_has_a_manifest() -> None:
    directories = sorted(path for path in VENDOR.iterdir() if path.is_dir())
    assert directories, "static/vendor/ holds nothing: the manifest test would check nothing"
    assert [d.name for d in directories if not (d / "VENDORED.json").is_file()] == []


def test_the_qr_encoder_matches_its_manifest() -> None:
    directory = VENDOR / "qrcode-generator"
    manifest = json.loads((directory / "VENDORED.json").read_text(encoding="utf-8"))
    assert manifest["name"] == "qrcode-generator" and re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    assert manifest["source"] == (f"https://registry.npmjs.org/{manifest['name']}/-/"
                                  f"{manifest['name']}-{manifest['version']}.tgz")
    assert manifest["source_integrity"].startswith("sha512-")
    # Every file in the directory is the manifest, the licence or a checked file.
    listed = set(manifest["files"])
    assert {p.name for p in directory.iterdir()} == listed | {"VENDORED.json", "LICENSE"}
    for name, entry in manifest["files"].items():
        digest = hashlib.sha256((directory / name).read_bytes()).hexdigest()
        assert digest == entry["sha256"], f"{name} differs from the vendored release (sha256 {digest})"
    # The licence note names the same release.
    assert f"{manifest['name']} {manifest['version']}" in (directory / "LICENSE").read_text(encoding="utf-8")
