// static/js/protocol.js against tests/vectors.json (the same file the Python tests use), plus
// round trips, tampering, access codes and links. Run: cd /work/main && node --test tests/js/
//
// Reference values are decoded with Node's Buffer (an independent base64 implementation), never
// with the module under test, so a bug in protocol.js cannot confirm itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as p from "../../static/js/protocol.js";

const vectorsPath = fileURLToPath(new URL("../../tests/vectors.json", import.meta.url));
const vectors = JSON.parse(readFileSync(vectorsPath, "utf8"));
const ref = (s) => new Uint8Array(Buffer.from(s, "base64url")); // vectors are valid b64u
const hex = (b) => Buffer.from(b).toString("hex");
const utf8 = (b) => new TextDecoder("utf-8", { fatal: true }).decode(b);
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

test("vectors file is the version-1 contract and is not empty", () => {
  assert.equal(vectors.protocol, 1);
  for (const k of ["b64u_valid", "b64u_invalid", "normalize", "normalize_invalid", "creator_code_invalid", "secrets"]) {
    assert.ok(vectors[k].length > 0, k);
  }
});

// --- b64u ----------------------------------------------------------------------------------

for (const c of vectors.b64u_valid) {
  test(`b64u vector ${JSON.stringify(c.b64u)} <-> ${c.hex || "(empty)"}`, () => {
    assert.equal(hex(p.b64uDecode(c.b64u)), c.hex);
    assert.equal(p.b64uEncode(new Uint8Array(Buffer.from(c.hex, "hex"))), c.b64u);
  });
}
for (const c of vectors.b64u_invalid) {
  test(`b64u rejects ${JSON.stringify(c.input)} (${c.why})`, () => {
    assert.throws(() => p.b64uDecode(c.input), p.ProtocolError);
  });
}

// --- access code normalization ---------------------------------------------------------------

for (const c of vectors.normalize) {
  test(`normalize ${JSON.stringify(c.input)} -> ${c.output}`, () => assert.equal(p.normalizeCode(c.input), c.output));
}
for (const c of vectors.normalize_invalid) {
  test(`normalize refuses ${JSON.stringify(c.input)} (${c.why})`, () => {
    assert.throws(() => p.normalizeCode(c.input), p.ProtocolError);
  });
}

// --- secrets: key schedule, payload, seal, links ---------------------------------------------

for (const v of vectors.secrets) {
  test(`secret vector: ${v.name}`, async () => {
    const K = ref(v.K);
    const b = (x) => p.b64uEncode(x);

    if (v.code !== null) assert.equal(p.normalizeCode(v.code), v.normalized_code);
    const keys = await p.deriveKeys(K, v.code);
    assert.equal(b(keys.ck), v.ck, "ck");
    assert.equal(b(keys.link), v.link, "link");
    assert.equal(b(keys.encKey), v.enc_key, "enc_key");
    assert.equal(b(keys.auth), v.auth, "auth");
    assert.equal(b(keys.linkVerifier), v.link_verifier, "link_verifier");
    assert.equal(b(keys.authVerifier), v.auth_verifier, "auth_verifier");
    assert.equal(b(await p.linkProof(K)), v.link, "linkProof");

    const encKey = ref(v.enc_key);
    const plaintext = ref(v.plaintext);
    assert.deepEqual(JSON.parse(utf8(plaintext)), v.payload, "vector plaintext is the vector payload");

    // encodePayload(payload), sealed and opened again, is the same object (the contract lets
    // serializers differ in white space, so compare objects) ...
    const encoded = p.encodePayload(v.payload);
    assert.deepEqual(JSON.parse(utf8(encoded)), v.payload, "encodePayload");
    assert.deepEqual(JSON.parse(utf8(await p.unseal(await p.seal(encoded, encKey), encKey))), v.payload, "seal/unseal");
    assert.deepEqual(p.decodePayload(encoded), v.payload, "decodePayload");
    // ... and today it is even the same bytes as Python's compact json.dumps (not required).
    assert.equal(hex(encoded), hex(plaintext), "compact JSON matches Python byte for byte");

    // seal with the vector's iv gives the vector's blob byte for byte; unseal gives the plaintext.
    assert.equal(b(await p.seal(plaintext, encKey, ref(v.iv))), v.blob, "seal(plaintext, enc_key, iv)");
    assert.equal(hex(await p.unseal(ref(v.blob), encKey)), hex(plaintext), "unseal(blob)");
    assert.deepEqual(await p.openBlob(ref(v.blob), K, v.code), v.payload, "openBlob");
    assert.deepEqual(await p.openBlob(ref(v.blob), K, v.code, keys), v.payload, "openBlob with keys");
    if (v.code !== null) {
      // Without its code the blob must not open (cheap: no PBKDF2 without a code).
      await assert.rejects(p.openBlob(ref(v.blob), K, null), p.ProtocolError);
    }

    assert.equal(p.makeLink(v.base_url, v.id, K), v.url, "makeLink");
    assert.equal(p.makeLink(`${v.base_url}/`, v.id, K), v.url, "makeLink drops a trailing slash");
    const parsed = p.parseLink(v.url);
    assert.equal(parsed.baseUrl, v.base_url);
    assert.equal(parsed.id, v.id);
    assert.equal(hex(parsed.K), hex(K));

    for (const f of v.payload.files ?? []) {
      const bytes = p.fileBytes(f);
      assert.equal(hex(bytes), Buffer.from(f.data, "base64").toString("hex"), "fileBytes");
      assert.deepEqual(p.fileEntry(f.name, f.type, bytes), f, "fileEntry");
    }
  });
}

test("codeKey alone equals the ck of the vectors", async () => {
  const v = vectors.secrets.find((s) => s.code !== null);
  assert.equal(p.b64uEncode(await p.codeKey(ref(v.K), v.code)), v.ck);
  const none = vectors.secrets.find((s) => s.code === null);
  assert.equal((await p.codeKey(ref(none.K), null)).length, 0);
});

// --- round trips ------------------------------------------------------------------------------

// A small deterministic PRNG for payload shapes (the bytes inside come from randomBytes).
function rng(seed) {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s % n;
  };
}
const PIECES = ["a", "Z", " ", "\n", "\t", '"', "\\", "/", "<b>", "é", "ß", "世", "🔐", "\u2028", "\u0000", "\u007f", "\ufeff", "-"];
function randomText(r, max) {
  let s = "";
  for (let i = r(max); i > 0; i--) s += PIECES[r(PIECES.length)];
  return s;
}
function randomPayload(r) {
  const parts = { kind: ["text", "aws-access-key", "console-login", "file", "x-unknown"][r(5)] };
  if (r(2)) parts.text = randomText(r, 200);
  if (r(2)) {
    parts.fields = {};
    for (let i = r(5); i > 0; i--) parts.fields[randomText(r, 8) || "k"] = randomText(r, 40);
  }
  if (r(2)) {
    parts.files = [];
    for (let i = r(3); i > 0; i--) parts.files.push(p.fileEntry(randomText(r, 10), r(2) ? "text/plain" : "", p.randomBytes(r(3000))));
  }
  return p.makePayload(parts);
}

test("random payloads round-trip without a code", async () => {
  const r = rng(1);
  for (let i = 0; i < 40; i++) {
    const payload = randomPayload(r);
    const sealed = await p.sealPayload(payload, null);
    assert.equal(sealed.K.length, 32);
    assert.equal(sealed.blob.length, 12 + p.encodePayload(payload).length + 16);
    assert.deepEqual(await p.openBlob(sealed.blob, sealed.K, null), payload);
  }
});

test("random payloads round-trip with a code (typed differently when opened)", async () => {
  const r = rng(2);
  for (let i = 0; i < 3; i++) {
    const payload = randomPayload(r);
    const code = p.generateCode();
    const sealed = await p.sealPayload(payload, code);
    assert.equal(sealed.code, code);
    const typed = ` ${code.toLowerCase().replace("-", " \u2013 ")}\n`;
    assert.deepEqual(await p.openBlob(sealed.blob, sealed.K, typed), payload);
  }
});

for (const withCode of [false, true]) {
  test(`a 1 MiB file round-trips ${withCode ? "with" : "without"} a code`, async () => {
    const big = p.randomBytes(1024 * 1024);
    const entry = p.fileEntry("big.bin", "application/octet-stream", big);
    assert.equal(entry.data, Buffer.from(big).toString("base64"), "standard base64 with padding");
    const payload = p.makePayload({ kind: "file", files: [entry] });
    const code = withCode ? "correct horse battery" : null;
    const sealed = await p.sealPayload(payload, code);
    const opened = await p.openBlob(sealed.blob, sealed.K, code);
    assert.equal(opened.files.length, 1);
    assert.ok(Buffer.from(p.fileBytes(opened.files[0])).equals(big));
  });
}

test("file data of every padding length, up to 1 MiB + 2, matches Node's base64", () => {
  for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 100, 1024 * 1024, 1024 * 1024 + 1, 1024 * 1024 + 2]) {
    const bytes = p.randomBytes(n);
    const entry = p.fileEntry("f", "application/octet-stream", bytes);
    assert.equal(entry.data, Buffer.from(bytes).toString("base64"), `length ${n}`);
    assert.ok(Buffer.from(p.fileBytes(entry)).equals(bytes), `length ${n}`);
    assert.equal(p.b64uEncode(bytes), Buffer.from(bytes).toString("base64url"), `b64u length ${n}`);
    assert.ok(Buffer.from(p.b64uDecode(p.b64uEncode(bytes))).equals(bytes), `b64u length ${n}`);
  }
});

test("a wrong code does not open a secret", async () => {
  const sealed = await p.sealPayload(p.makePayload({ text: "s3cret ✓" }), "7K4MQ-2XR9D");
  assert.equal((await p.openBlob(sealed.blob, sealed.K, "7k4mq 2xr9d")).text, "s3cret ✓");
  await assert.rejects(p.openBlob(sealed.blob, sealed.K, "7K4MQ-2XR9E"), p.ProtocolError);
});

// --- tampering --------------------------------------------------------------------------------

test("flipping any one bit of a blob (iv, ciphertext or tag) makes unseal throw", async () => {
  const payload = p.makePayload({ text: "tamper me" });
  const sealed = await p.sealPayload(payload, null);
  const { encKey } = await p.deriveKeys(sealed.K, null);
  assert.deepEqual(p.decodePayload(await p.unseal(sealed.blob, encKey)), payload);
  for (let i = 0; i < sealed.blob.length; i++) {
    const broken = sealed.blob.slice();
    broken[i] ^= 1 << (i % 8);
    await assert.rejects(p.unseal(broken, encKey), p.ProtocolError, `byte ${i}`);
  }
});

test("truncated, extended or foreign-key blobs do not open", async () => {
  const sealed = await p.sealPayload(p.makePayload({ text: "x" }), null);
  const { encKey } = await p.deriveKeys(sealed.K, null);
  await assert.rejects(p.unseal(sealed.blob.subarray(0, sealed.blob.length - 1), encKey), p.ProtocolError);
  await assert.rejects(p.unseal(sealed.blob.subarray(0, 27), encKey), /too short/);
  await assert.rejects(p.unseal(new Uint8Array([...sealed.blob, 0]), encKey), p.ProtocolError);
  await assert.rejects(p.unseal(sealed.blob, p.randomBytes(32)), /does not open/);
  // The smallest legal blob (an empty plaintext) is exactly 28 bytes.
  assert.equal((await p.seal(new Uint8Array(0), encKey)).length, 28);
});

// --- access codes -----------------------------------------------------------------------------

test("generateCode: two groups of five Crockford symbols; normalized it is 10 Crockford chars", () => {
  const seen = new Set();
  const symbols = new Set();
  for (let i = 0; i < 1000; i++) {
    const code = p.generateCode();
    assert.match(code, /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    const normalized = p.normalizeCode(code);
    assert.equal(normalized.length, 10);
    for (const ch of normalized) {
      assert.ok(CROCKFORD.includes(ch), ch);
      symbols.add(ch);
    }
    assert.equal(normalized, code.replace("-", ""));
    seen.add(code);
  }
  assert.equal(seen.size, 1000, "50-bit codes do not repeat in 1000 draws");
  assert.equal(symbols.size, 32, "every symbol of the alphabet shows up");
});

test("generateCode takes 5 fresh bits of one fresh byte per symbol from getRandomValues", (t) => {
  const calls = [];
  let feed = [];
  t.mock.method(globalThis.crypto, "getRandomValues", (array) => {
    calls.push(array.length);
    array.set(feed.slice(0, array.length));
    return array;
  });
  feed = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  assert.equal(p.generateCode(), "01234-56789");
  feed = feed.map((x) => x + 0xe0); // the 3 high bits are thrown away, not mixed in
  assert.equal(p.generateCode(), "01234-56789");
  feed = [31, 30, 29, 28, 27, 26, 25, 24, 23, 22];
  assert.equal(p.generateCode(), "ZYXWV-TSRQP");
  assert.deepEqual(calls, [10, 10, 10], "10 bytes per code: one per symbol, nothing reused");
});

// --- links ------------------------------------------------------------------------------------

const ID = "EBAQEBAQEBAQEBAQEBAQEA";
const KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

test("parseLink accepts the forms a link really takes", () => {
  const cases = [
    [`https://burnlink.example/s/${ID}#${KEY}`, "https://burnlink.example"],
    [`  https://burnlink.example/s/${ID}#${KEY}\n`, "https://burnlink.example"],
    [`https://burnlink.example/s/${ID}/#${KEY}`, "https://burnlink.example"],
    [`http://127.0.0.1:8000/s/${ID}#${KEY}`, "http://127.0.0.1:8000"],
    [`https://example.org/tools/burnlink/s/${ID}?utm=x#${KEY}`, "https://example.org/tools/burnlink"],
  ];
  for (const [url, baseUrl] of cases) {
    const parsed = p.parseLink(url);
    assert.equal(parsed.baseUrl, baseUrl, url);
    assert.equal(parsed.id, ID, url);
    assert.equal(p.b64uEncode(parsed.K), KEY, url);
  }
});

test("parseLink refuses a truncated fragment", () => {
  const base = `https://burnlink.example/s/${ID}`;
  for (const url of [base, `${base}#`, `${base}#${KEY.slice(0, 42)}`, `${base}#${KEY.slice(0, 40)}`, `${base}#abc`, `${base}#${KEY.slice(0, 1)}`]) {
    assert.throws(() => p.parseLink(url), p.ProtocolError, url);
  }
  assert.throws(() => p.parseLink(base), /cut short/);
  assert.throws(() => p.parseLink(`${base}#${KEY.slice(0, 42)}`), /damaged, cut short/);
});

test("parseLink refuses a wrong id length or a damaged id", () => {
  for (const id of [ID.slice(0, 21), `${ID}A`, ID.slice(0, 11), "EBAQEBAQEBAQEBAQEBAQEB", `${ID}=`, "EBAQEBAQEBAQEBAQEBAQ.A"]) {
    const url = `https://burnlink.example/s/${id}#${KEY}`;
    assert.throws(() => p.parseLink(url), p.ProtocolError, url);
  }
  assert.throws(() => p.parseLink(`https://burnlink.example/s/${ID.slice(0, 21)}#${KEY}`), /id is damaged/);
});

test("parseLink refuses what is not a burnlink link", () => {
  for (const url of [
    `ftp://burnlink.example/s/${ID}#${KEY}`,
    `javascript:alert(1)//s/${ID}#${KEY}`,
    `mailto:a@b.example?/s/${ID}#${KEY}`,
    `https://burnlink.example/x/${ID}#${KEY}`,
    `https://burnlink.example/s/#${KEY}`,
    `https://burnlink.example/${ID}#${KEY}`,
    `https://burnlink.example/s/${ID}/extra#${KEY}`,
    `/s/${ID}#${KEY}`,
    `burnlink.example/s/${ID}#${KEY}`,
    `https://burnlink.example@evil.example/s/${ID}#${KEY}`,
    `https://burnlink.example/s/${ID}#v2.${KEY}`,
    `https://burnlink.example/s/${ID}#${KEY}=`,
    "not a url",
    "",
    null,
    undefined,
    42,
  ]) {
    assert.throws(() => p.parseLink(url), p.ProtocolError, String(url));
  }
});

test("makeLink and parseLink are inverses", () => {
  for (let i = 0; i < 50; i++) {
    const K = p.randomBytes(32);
    const id = p.b64uEncode(p.randomBytes(16));
    const parsed = p.parseLink(p.makeLink("https://h.example/base/", id, K));
    assert.equal(parsed.baseUrl, "https://h.example/base");
    assert.equal(parsed.id, id);
    assert.equal(hex(parsed.K), hex(K));
  }
});

for (const c of vectors.creator_code_invalid) {
  test(`a creator may not choose ${JSON.stringify(c.input)} (${c.why})`, () => {
    assert.throws(() => p.checkCreatorCode(c.input), p.ProtocolError);
  });
}

test("a creator's own code: vectors pass, characters newer than every client's Unicode are refused", () => {
  for (const c of vectors.normalize) assert.equal(p.checkCreatorCode(c.input), c.output);
  assert.throws(() => p.checkCreatorCode("abcd\uA7F1efgh"), p.ProtocolError); // added in Unicode 16
  assert.throws(() => p.checkCreatorCode("short"), p.ProtocolError);
  assert.equal(p.normalizeCode("abcd\uA7F1efgh").length, 9); // a recipient's input is never restricted
});
