"""The browser's share of a secret: encrypt + upload, and the access code's PBKDF2, in Chromium.

Usage: python bench/browser_crypto.py [URL]   (without URL a one-worker burnlink on the
embedded store is started for the run). bench/run.py calls :func:`measure` against the
burnlink it benchmarks.

Debian's Chromium (/usr/bin/chromium) driven by Playwright opens the create page of a live
burnlink; ``page.evaluate`` runs an async function that imports /static/js/protocol.js and,
five times per size, seals a text payload (fresh K, key schedule, AES-256-GCM) and POSTs it to
/api/v1/secrets exactly as the page does; the median is reported, with its parts (sealing;
base64url + JSON; the rest is the upload and the server's answer). "1 MiB" is the largest text
whose blob fits the server's 1 MiB limit. The PBKDF2 step is ``deriveKeys(K, code)`` (600,000
rounds) and, for comparison, ``deriveKeys(K, null)``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SIZES = (("1KiB", 1024), ("100KiB", 100 * 1024), ("1MiB", 1024 * 1024))
RUNS = 5

# size: the blob size wanted; the text is shortened by the payload framing, IV and tag.
ENCRYPT_UPLOAD = """async ([size, runs]) => {
  const p = await import('/static/js/protocol.js');
  const framing = p.encodePayload(p.makePayload({text: ''})).length + 12 + 16;
  const text = 'x'.repeat(size - framing);
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const total = [], encrypt = [], encode = [];
  let blobBytes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const sealed = await p.sealPayload(p.makePayload({text}), null);
    const t1 = performance.now();
    const body = JSON.stringify({ciphertext: p.b64uEncode(sealed.blob), link_verifier: p.b64uEncode(sealed.linkVerifier),
                                 auth_verifier: p.b64uEncode(sealed.authVerifier), has_code: false});
    const t2 = performance.now();
    const r = await fetch('/api/v1/secrets', {method: 'POST', headers: {'Content-Type': 'application/json'}, body});
    await r.json();
    if (r.status !== 201) throw new Error('create answered ' + r.status);
    total.push(performance.now() - t0);
    encrypt.push(t1 - t0);
    encode.push(t2 - t1);
    blobBytes = sealed.blob.length;
  }
  return {total_ms: median(total), encrypt_ms: median(encrypt), encode_ms: median(encode), blob_bytes: blobBytes, runs: total};
}"""

DERIVE = """async ([withCode, runs]) => {
  const p = await import('/static/js/protocol.js');
  const times = [];
  for (let i = 0; i < runs; i++) {
    const K = p.randomBytes(32);
    const code = withCode ? p.generateCode() : null;
    const t0 = performance.now();
    await p.deriveKeys(K, code);
    times.push(performance.now() - t0);
  }
  return times.slice().sort((a, b) => a - b)[Math.floor(times.length / 2)];
}"""


def measure(base_url: str) -> dict[str, Any]:
    """Median of :data:`RUNS` for each size, and the key schedule with and without a code."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} is missing (apt-get install chromium)")
    out: dict[str, Any] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(base_url + "/")
            out["chromium"] = browser.version
            page.evaluate(ENCRYPT_UPLOAD, [1024, 2])  # warm-up: module load, WebCrypto, connection
            for label, size in SIZES:
                result = page.evaluate(ENCRYPT_UPLOAD, [size, RUNS])
                out[f"encrypt_upload_{label}_ms"] = round(result["total_ms"], 1)
                out[f"encrypt_only_{label}_ms"] = round(result["encrypt_ms"], 1)
                out[f"b64u_json_{label}_ms"] = round(result["encode_ms"], 1)
                out[f"blob_{label}_bytes"] = result["blob_bytes"]
            out["derive_keys_with_code_ms"] = round(page.evaluate(DERIVE, [True, RUNS]), 1)
            out["derive_keys_without_code_ms"] = round(page.evaluate(DERIVE, [False, RUNS]), 1)
        finally:
            browser.close()
    return out


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(measure(sys.argv[1].rstrip("/")), indent=2))
        return
    sys.path.insert(0, str(ROOT))
    from tests.support import GunicornProcess

    server = GunicornProcess("", workers=1).start()
    try:
        print(json.dumps(measure(server.url), indent=2))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
