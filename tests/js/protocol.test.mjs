// static/js/protocol.js against tests/vectors.json (the same file the Python tests use).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as p from "../../static/js/protocol.js";

const vectors = JSON.parse(readFileSync(new URL("../vectors.json", import.meta.url), "utf8"));
const dec = (s) => p.b64uDecode(s);
const hex = (b) => Buffer.from(b).toString("hex");

for (const c of vectors.b64u_valid) {
  test(`b64u valid ${JSON.stringify(c.b64u)}`, () => {
    assert.equal(hex(p.b64uDecode(c.b64u)), c.hex);
    assert.equal(p.b64uEncode(Uint8Array.from(Buffer.from(c.hex, "hex"))), c.b64u);
  });
}
for (const c of vectors.b64u_invalid) {
  test(`b64u rejects ${c.why}`, () => assert.throws(() => p.b64uDecode(c.input), p.ProtocolError));
}
for (const c of vectors.normalize) {
  test(`normalize ${JSON.stringify(c.input)}`, () => assert.equal(p.normalizeCode(c.input), c.output));
}
for (const c of vectors.normalize_invalid) {
  test(`normalize refuses ${c.why}`, () => assert.throws(() => p.normalizeCode(c.input), p.ProtocolError));
}

for (const v of vectors.secrets) {
  test(`vector: ${v.name}`, async () => {
    const K = dec(v.K);
    const keys = await p.deriveKeys(K, v.code);
    assert.equal(p.b64uEncode(keys.ck), v.ck);
    assert.equal(p.b64uEncode(keys.link), v.link);
    assert.equal(p.b64uEncode(keys.encKey), v.enc_key);
    assert.equal(p.b64uEncode(keys.auth), v.auth);
    assert.equal(p.b64uEncode(keys.linkVerifier), v.link_verifier);
    assert.equal(p.b64uEncode(keys.authVerifier), v.auth_verifier);
    assert.equal(p.b64uEncode(await p.linkProof(K)), v.link);
    const plaintext = dec(v.plaintext);
    assert.deepEqual(JSON.parse(Buffer.from(plaintext).toString("utf8")), v.payload);
    assert.deepEqual(p.decodePayload(p.encodePayload(v.payload)), v.payload);
    assert.equal(p.b64uEncode(await p.seal(plaintext, keys.encKey, dec(v.iv))), v.blob);
    assert.equal(hex(await p.unseal(dec(v.blob), keys.encKey)), hex(plaintext));
    assert.deepEqual(await p.openBlob(dec(v.blob), K, v.code), v.payload);
    assert.equal(p.makeLink(v.base_url, v.id, K), v.url);
    const parsed = p.parseLink(v.url);
    assert.equal(parsed.baseUrl, v.base_url);
    assert.equal(parsed.id, v.id);
    assert.equal(hex(parsed.K), hex(K));
    for (const f of v.payload.files ?? []) assert.equal(p.fileEntry(f.name, f.type, p.fileBytes(f)).data, f.data);
  });
}

test("round trip without a code, including a 1 MiB file", async () => {
  const big = p.randomBytes(1024 * 1024);
  const payload = p.makePayload({ kind: "file", files: [p.fileEntry("big.bin", "application/octet-stream", big)] });
  const sealed = await p.sealPayload(payload, null);
  const opened = await p.openBlob(sealed.blob, sealed.K, null);
  assert.equal(hex(p.fileBytes(opened.files[0])), hex(big));
});

test("round trip with a code typed differently", async () => {
  const sealed = await p.sealPayload(p.makePayload({ text: "s3cret ✓" }), "7K4MQ-2XR9D");
  assert.equal((await p.openBlob(sealed.blob, sealed.K, "7k4mq 2xr9d")).text, "s3cret ✓");
  await assert.rejects(p.openBlob(sealed.blob, sealed.K, "7K4MQ-2XR9E"), p.ProtocolError);
});

test("a tampered blob does not open", async () => {
  const sealed = await p.sealPayload(p.makePayload({ text: "x" }), null);
  const keys = await p.deriveKeys(sealed.K, null);
  for (const i of [0, 12, sealed.blob.length - 1]) {
    const broken = sealed.blob.slice();
    broken[i] ^= 1;
    await assert.rejects(p.unseal(broken, keys.encKey), p.ProtocolError);
  }
});

test("generated codes: Crockford alphabet, two groups of five", () => {
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    const code = p.generateCode();
    assert.match(code, /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    assert.equal(p.normalizeCode(code), code.replace("-", ""));
    seen.add(code);
  }
  assert.equal(seen.size, 200);
});

test("payload decoding is strict", () => {
  const bad = ["\xff", "[]", '{"v":2,"kind":"text"}', '{"v":1}', '{"v":1,"kind":"t","fields":{"a":1}}'];
  assert.throws(() => p.decodePayload(Uint8Array.from([0xff])), p.ProtocolError);
  for (const b of bad.slice(1)) assert.throws(() => p.decodePayload(new TextEncoder().encode(b)), p.ProtocolError);
});

test("parseLink refuses broken links", () => {
  const A = "A".repeat(43);
  for (const url of [
    "https://h/s/AAAAAAAAAAAAAAAAAAAAAA",
    "https://h/s/AAAAAAAAAAAAAAAAAAAAAA#abc",
    `https://h/s/AAAAAAAAAAAAAAAAAAAAA#${A}`,
    `https://h/x/AAAAAAAAAAAAAAAAAAAAAA#${A}`,
    `ftp://h/s/AAAAAAAAAAAAAAAAAAAAAA#${A}`,
    `https://h/s/AAAAAAAAAAAAAAAAAAAAAA#v2.${A}`,
    "not a url",
  ]) {
    assert.throws(() => p.parseLink(url), p.ProtocolError, url);
  }
});
