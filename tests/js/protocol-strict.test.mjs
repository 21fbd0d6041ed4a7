// static/js/protocol.js refuses bad input with ProtocolError, and stays a plain browser module.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as p from "../../static/js/protocol.js";

const modulePath = fileURLToPath(new URL("../../static/js/protocol.js", import.meta.url));
const te = new TextEncoder();
const isProtocolError = (message) => (err) => {
  assert.ok(err instanceof p.ProtocolError, `expected ProtocolError, got ${err && err.name}: ${err && err.message}`);
  assert.equal(err.name, "ProtocolError");
  assert.equal(err.code, "invalid_field");
  assert.match(err.message, /^[A-Z].*[.]$/, "a sentence for a person");
  if (message) assert.match(err.message, message);
  return true;
};

// --- the module itself --------------------------------------------------------------------------

test("exports exactly the documented interface", () => {
  const expected = [
    "VERSION", "ProtocolError", "b64uEncode", "b64uDecode", "randomBytes", "generateCode", "normalizeCode",
    "deriveKeys", "linkProof", "makePayload", "fileEntry", "fileBytes", "encodePayload", "decodePayload",
    "seal", "unseal", "makeLink", "parseLink", "sealPayload", "openBlob",
    // documented extras
    "codeKey", "validatePayload", "checkCreatorCode",
    // primitives request.js builds on
    "subtle", "asBytes", "exactBytes", "hkdf", "sha256", "concat",
  ];
  assert.deepEqual(Object.keys(p).sort(), expected.sort());
  assert.equal(p.VERSION, 1);
  const source = readFileSync(modulePath, "utf8");
  for (const name of expected) assert.match(source, new RegExp(`^//.*\\b${name}\\b`, "m"), `${name} listed in the header comment`);
});

test("the module source is browser-clean: no Node APIs, no imports, no logging, no spread into fromCharCode", () => {
  const code = readFileSync(modulePath, "utf8")
    .split("\n")
    .filter((line) => !line.trim().startsWith("//") && !line.trim().startsWith("*"))
    .join("\n");
  assert.doesNotMatch(code, /\bBuffer\b/);
  assert.doesNotMatch(code, /\brequire\s*\(/);
  assert.doesNotMatch(code, /\bimport\b/);
  assert.doesNotMatch(code, /node:/);
  assert.doesNotMatch(code, /\bprocess\./);
  assert.doesNotMatch(code, /\bconsole\./);
  assert.doesNotMatch(code, /fromCharCode\s*\(\s*\.\.\./);
  assert.doesNotMatch(code, /\bMath\.random\b/);
  assert.doesNotMatch(code, /toLocaleUpperCase/);
});

test("ProtocolError carries a field name", () => {
  const err = new p.ProtocolError("Something is wrong.", "thing");
  assert.ok(err instanceof Error);
  assert.equal(err.field, "thing");
  assert.equal(new p.ProtocolError("x.").field, null);
});

// --- base64url ---------------------------------------------------------------------------------

test("b64uDecode refuses everything outside the strict form", () => {
  for (const bad of ["A", "AA=", "AAA=", "AA==", " AA", "AA\n", "AA\t", "AAA.", "AA+A", "AA/A", "AÀ", "ＡＡ", "AB", "AAF", "AAAAAAAAB", "\u0000A"]) {
    assert.throws(() => p.b64uDecode(bad), isProtocolError(), JSON.stringify(bad));
  }
  for (const bad of [null, undefined, 42, ["AA"], new Uint8Array(2)]) {
    assert.throws(() => p.b64uDecode(bad), isProtocolError(), String(bad));
  }
});

test("b64uDecode checks the decoded length and names the field", () => {
  const id = p.b64uEncode(new Uint8Array(16));
  assert.equal(p.b64uDecode(id, { length: 16 }).length, 16);
  assert.throws(() => p.b64uDecode(id, { length: 32, field: "key" }), (err) => err.field === "key" && /32 bytes/.test(err.message));
  assert.throws(() => p.b64uDecode(p.b64uEncode(new Uint8Array(27)), { minLength: 28 }), isProtocolError(/at least 28/));
  assert.equal(p.b64uDecode(p.b64uEncode(new Uint8Array(28)), { minLength: 28 }).length, 28);
});

test("b64uEncode takes bytes only", () => {
  assert.equal(p.b64uEncode(new Uint8Array([0xfb]).buffer), "-w");
  assert.equal(p.b64uEncode(new Uint16Array([0xffff])), "__8");
  for (const bad of ["AA", [1, 2], null, undefined, 7]) assert.throws(() => p.b64uEncode(bad), isProtocolError());
});

// --- access codes ----------------------------------------------------------------------------------

test("normalizeCode refuses non-text and gives the person a reason", () => {
  for (const bad of [null, undefined, 12345678, {}, ["ABCDEFGH"]]) assert.throws(() => p.normalizeCode(bad), isProtocolError());
  assert.throws(() => p.normalizeCode("short"), isProtocolError(/8 to 64 characters/));
  assert.throws(() => p.normalizeCode("pässwörd-123"), isProtocolError(/printable ASCII/));
  assert.throws(() => p.normalizeCode(""), isProtocolError(/8 to 64/));
  assert.throws(() => p.normalizeCode("\u{1F510}".repeat(40)), isProtocolError(/printable ASCII/), "40 code points (80 UTF-16 units): counted like Python");
});

test("normalizeCode: all separators, aliases and the locale-free upper case", () => {
  const separators = "\t\n\u000b\u000c\r -\u2010\u2011\u2012\u2013\u2014\u2015\u2212";
  for (const s of separators) assert.equal(p.normalizeCode(`ABCDE${s}FGHJK`), "ABCDEFGHJK", JSON.stringify(s));
  assert.equal(p.normalizeCode("olio lilo"), "01101110");
  assert.equal(p.normalizeCode("\u0131abcdefg"), "1ABCDEFG", "dotless i upper-cases to I, then 1");
  assert.throws(() => p.normalizeCode("\u0130abcdefg"), isProtocolError(/ASCII/), "capital I with dot stays non-ASCII");
  assert.equal(p.normalizeCode("x".repeat(64)), "X".repeat(64));
  assert.equal(p.normalizeCode("ABCD~!{}"), "ABCD~!{}");
  assert.throws(() => p.normalizeCode("ABCD\u007fEFGH"), isProtocolError(/ASCII/));
  assert.throws(() => p.normalizeCode("ABCD\u00a0EFGH".replace("\u00a0", "\u0085")), isProtocolError());
  assert.equal(p.normalizeCode("ABCD\u00a0EFGH"), "ABCDEFGH", "NFKC turns NBSP into a space, then it is stripped");
  const code = p.generateCode();
  assert.equal(p.normalizeCode(p.normalizeCode(code)), p.normalizeCode(code), "idempotent");
});

// --- key schedule and ciphers -------------------------------------------------------------------

test("the key schedule refuses a fragment key that is not 32 bytes, or a bad code, before any work", async () => {
  for (const bad of [new Uint8Array(31), new Uint8Array(33), "A".repeat(32), null, undefined, Array(32).fill(0)]) {
    await assert.rejects(p.deriveKeys(bad, null), isProtocolError(/fragment key/));
    await assert.rejects(p.linkProof(bad), isProtocolError());
    await assert.rejects(p.codeKey(bad, "ABCDEFGH"), isProtocolError());
  }
  const K = new Uint8Array(32);
  await assert.rejects(p.deriveKeys(K, ""), isProtocolError(/8 to 64/), "empty string is a code, not 'no code'");
  await assert.rejects(p.deriveKeys(K, "1234567"), isProtocolError());
  await assert.rejects(p.deriveKeys(K, 12345678), isProtocolError());
});

test("different codes, keys and the no-code case give different keys; the link proof ignores the code", async () => {
  const K = new Uint8Array(32).fill(7);
  const none = await p.deriveKeys(K, null);
  const one = await p.deriveKeys(K, "ABCDE-FGHJK");
  assert.notEqual(p.b64uEncode(none.encKey), p.b64uEncode(one.encKey));
  assert.notEqual(p.b64uEncode(none.auth), p.b64uEncode(one.auth));
  assert.notEqual(p.b64uEncode(one.encKey), p.b64uEncode(one.auth));
  assert.equal(p.b64uEncode(none.link), p.b64uEncode(one.link));
  for (const k of ["link", "encKey", "auth", "linkVerifier", "authVerifier"]) assert.equal(one[k].length, 32, k);
});

test("seal and unseal refuse keys, ivs and data of the wrong shape (no silent AES-128)", async () => {
  const key = p.randomBytes(32);
  const data = te.encode("x");
  for (const bad of [p.randomBytes(16), p.randomBytes(24), p.randomBytes(31), "k".repeat(32), null]) {
    await assert.rejects(p.seal(data, bad), isProtocolError(/encryption key/));
    await assert.rejects(p.unseal(p.randomBytes(40), bad), isProtocolError());
  }
  for (const badIv of [p.randomBytes(11), p.randomBytes(16), new Uint8Array(0), "ivivivivivivi"]) {
    await assert.rejects(p.seal(data, key, badIv), isProtocolError());
  }
  for (const bad of ["text", null, undefined, [1, 2, 3]]) {
    await assert.rejects(p.seal(bad, key), isProtocolError());
    await assert.rejects(p.unseal(bad, key), isProtocolError());
  }
  const a = await p.seal(data, key);
  const b = await p.seal(data, key);
  assert.notEqual(p.b64uEncode(a.subarray(0, 12)), p.b64uEncode(b.subarray(0, 12)), "a fresh iv every time");
  assert.equal(p.b64uEncode(await p.unseal(a.buffer, key)), p.b64uEncode(data), "an ArrayBuffer blob works too");
});

test("randomBytes gives fresh bytes of any size and refuses nonsense counts", () => {
  assert.equal(p.randomBytes(0).length, 0);
  const big = p.randomBytes(200000); // more than getRandomValues' 65,536-byte limit per call
  assert.equal(big.length, 200000);
  assert.ok(big.subarray(150000).some((x) => x !== 0), "the tail is filled too");
  for (const bad of [-1, 1.5, "8", NaN, Infinity]) assert.throws(() => p.randomBytes(bad), isProtocolError());
});

// --- payloads ---------------------------------------------------------------------------------------

test("makePayload leaves absent members out", () => {
  assert.deepEqual(p.makePayload(), { v: 1, kind: "text" });
  assert.deepEqual(p.makePayload({ text: "" }), { v: 1, kind: "text", text: "" });
  assert.deepEqual(p.makePayload({ text: null, fields: {}, files: [] }), { v: 1, kind: "text" });
  const payload = p.makePayload({ kind: "console-login", fields: { username: "bob" } });
  assert.deepEqual(JSON.parse(new TextDecoder().decode(p.encodePayload(payload))), { v: 1, kind: "console-login", fields: { username: "bob" } });
});

test("decodePayload is strict about UTF-8, BOMs, JSON and the version-1 shape", () => {
  const bytes = [
    [0xff],
    [0xc0, 0x80], // overlong NUL
    [0xed, 0xa0, 0x80], // an encoded surrogate
    [0x7b, 0x22, 0xe2, 0x82], // cut inside a character
    [0xef, 0xbb, 0xbf, ...te.encode('{"v":1,"kind":"text"}')], // a BOM
    [],
  ];
  for (const b of bytes) assert.throws(() => p.decodePayload(new Uint8Array(b)), isProtocolError(), JSON.stringify(b));
  const texts = [
    "", "null", "1", '"text"', "[]", "{", '{"v":1,"kind":"text"} x', "{'v':1}",
    '{"kind":"text"}', '{"v":2,"kind":"text"}', '{"v":"1","kind":"text"}', '{"v":true,"kind":"text"}', '{"v":0,"kind":"text"}',
    '{"v":1}', '{"v":1,"kind":""}', '{"v":1,"kind":7}', '{"v":1,"kind":null}',
    '{"v":1,"kind":"text","text":null}', '{"v":1,"kind":"text","text":5}', '{"v":1,"kind":"text","text":["a"]}',
    '{"v":1,"kind":"text","fields":null}', '{"v":1,"kind":"text","fields":[]}', '{"v":1,"kind":"text","fields":"a"}',
    '{"v":1,"kind":"text","fields":{"a":1}}', '{"v":1,"kind":"text","fields":{"a":null}}', '{"v":1,"kind":"text","fields":{"a":{}}}',
    '{"v":1,"kind":"text","files":null}', '{"v":1,"kind":"text","files":{}}', '{"v":1,"kind":"text","files":[null]}',
    '{"v":1,"kind":"text","files":[{"name":"a","type":"b"}]}', '{"v":1,"kind":"text","files":[{"name":"a","type":"b","data":1}]}',
    '{"v":1,"kind":"text","files":[["a","b","c"]]}',
  ];
  for (const t of texts) assert.throws(() => p.decodePayload(te.encode(t)), isProtocolError(), t);
  for (const bad of ["{}", null, undefined, [123]]) assert.throws(() => p.decodePayload(bad), isProtocolError());
});

test("decodePayload keeps unknown kinds and members (pages show them as text), and takes v 1.0", () => {
  const payload = p.decodePayload(te.encode(' {"v":1.0,"kind":"x-new","extra":{"n":1},"fields":{},"files":[]} '));
  assert.equal(payload.kind, "x-new");
  assert.deepEqual(payload.extra, { n: 1 });
});

test("encodePayload refuses the same shapes, and null members", () => {
  for (const bad of [
    null, [], "x", { kind: "text" }, { v: 1 }, { v: 1, kind: "" }, { v: 1, kind: "text", text: null },
    { v: 1, kind: "text", fields: null }, { v: 1, kind: "text", fields: { a: 1 } }, { v: 1, kind: "text", files: null },
    { v: 1, kind: "text", files: [{ name: "a", type: "b" }] },
  ]) {
    assert.throws(() => p.encodePayload(bad), isProtocolError(), JSON.stringify(bad));
  }
});

test("sealPayload refuses a bad payload before deriving keys", async () => {
  const t0 = Date.now();
  await assert.rejects(p.sealPayload({ v: 2, kind: "text" }, "ABCDE-FGHJK"), isProtocolError(/version/));
  await assert.rejects(p.sealPayload(p.makePayload({ text: "x" }), null, new Uint8Array(16)), isProtocolError(/32 bytes/));
  assert.ok(Date.now() - t0 < 100, "no PBKDF2 was run");
});

// --- files ----------------------------------------------------------------------------------------

test("fileBytes reads strict standard base64 with padding only", () => {
  assert.equal(p.fileBytes({ data: "" }).length, 0);
  assert.deepEqual([...p.fileBytes({ data: "QQ==" })], [0x41]);
  assert.deepEqual([...p.fileBytes({ data: "QUI=" })], [0x41, 0x42]);
  assert.deepEqual([...p.fileBytes({ data: "+/+/" })], [0xfb, 0xff, 0xbf]);
  for (const data of ["QQ", "QQ=", "QUI", "Q===", "QR==", "QUJ=", "QQ==QQ==", "=QQ=", "QQ ==", "QQ==\n", "-_-_", "QUJD\nQUJD", "ÀÀÀÀ", null, 5]) {
    assert.throws(() => p.fileBytes({ name: "a", type: "b", data }), isProtocolError(/base64/), JSON.stringify(data));
  }
  for (const entry of [null, undefined, "QQ==", {}]) assert.throws(() => p.fileBytes(entry), isProtocolError());
});

test("fileEntry fills in a missing type and refuses non-bytes", () => {
  assert.deepEqual(p.fileEntry("a.bin", "", new Uint8Array([1, 2, 3])), { name: "a.bin", type: "application/octet-stream", data: "AQID" });
  assert.deepEqual(p.fileEntry("a.csv", "text/csv", new Uint8Array(0)), { name: "a.csv", type: "text/csv", data: "" });
  assert.throws(() => p.fileEntry("a", "b", "text"), isProtocolError());
  assert.throws(() => p.fileEntry("a", "b", [1, 2]), isProtocolError());
  assert.throws(() => p.fileEntry(null, "b", new Uint8Array(1)), isProtocolError());
});

// --- links -----------------------------------------------------------------------------------------

test("makeLink refuses a bad id or key", () => {
  const K = new Uint8Array(32);
  const id = p.b64uEncode(new Uint8Array(16));
  assert.equal(p.makeLink("https://h.example//", id, K), `https://h.example/s/${id}#${p.b64uEncode(K)}`);
  for (const badId of [id.slice(1), `${id}A`, "../../x", null]) assert.throws(() => p.makeLink("https://h.example", badId, K), isProtocolError());
  assert.throws(() => p.makeLink("https://h.example", id, new Uint8Array(31)), isProtocolError());
  assert.throws(() => p.makeLink(null, id, K), isProtocolError());
});

test("parseLink explains a user@host link", () => {
  const url = `https://burnlink.example@evil.example/s/${p.b64uEncode(new Uint8Array(16))}#${p.b64uEncode(new Uint8Array(32))}`;
  assert.throws(() => p.parseLink(url), isProtocolError(/user/));
});
