// static/js/request.js against tests/vectors.json "requests" (the same file the Python tests use),
// an independent derivation with node:crypto, and hostile input. Run: node --test tests/js/
//
// Reference values are decoded with Node's Buffer and re-derived with node:crypto (OpenSSL's ECDH,
// HKDF, HMAC and AES-GCM), never with the module under test, so a bug in it cannot confirm itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, createECDH, createHash, createHmac, hkdfSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as p from "../../static/js/protocol.js";
import * as r from "../../static/js/request.js";

const modulePath = fileURLToPath(new URL("../../static/js/request.js", import.meta.url));
const vectors = JSON.parse(readFileSync(fileURLToPath(new URL("../../tests/vectors.json", import.meta.url)), "utf8"));
const REQUESTS = vectors.requests;
const FIRST = REQUESTS[0];
const ref = (s) => new Uint8Array(Buffer.from(s, "base64url")); // vectors are valid b64u
const b64u = (bytes) => Buffer.from(bytes).toString("base64url");
const hex = (bytes) => Buffer.from(bytes).toString("hex");
const te = new TextEncoder();
const N = Buffer.from("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", "hex");

/** Q = d·G, computed by OpenSSL through node:crypto. */
function pointOf(d) {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.from(d));
  return new Uint8Array(ecdh.getPublicKey(null, "uncompressed"));
}
const hkdf = (ikm, info) => new Uint8Array(hkdfSync("sha256", Buffer.from(ikm), Buffer.alloc(0), Buffer.from(info), 32));
const sha256 = (bytes) => new Uint8Array(createHash("sha256").update(bytes).digest());
const cat = (...parts) => new Uint8Array(Buffer.concat(parts.map((x) => Buffer.from(x))));

const OTHER_D = Uint8Array.from({ length: 32 }, (_, i) => 0x10 + i); // someone else's pair (a swapping server's)
const OTHER = { d: OTHER_D, Q: pointOf(OTHER_D) };
const OTHER_RID = b64u(new Uint8Array(16).fill(0x5a));
const keysOf = (v) => ({ d: ref(v.d), Q: ref(v.Q) });

/** An assertion for assert.rejects/throws: ProtocolError naming `field`, with a sentence for a person. */
const refused = (field, message) => (err) => {
  assert.ok(err instanceof p.ProtocolError, `expected ProtocolError, got ${err && err.name}: ${err && err.message}`);
  assert.equal(err.code, "invalid_field");
  assert.equal(err.field, field, `field of: ${err.message}`);
  assert.match(err.message, /^[A-Z].*[.]$/, "a sentence for a person");
  if (message) assert.match(err.message, message);
  return true;
};

// --- the module itself --------------------------------------------------------------------------

test("exports exactly the interface in its header comment", () => {
  const expected = [
    "newRequestKeys", "requestKeysFromInbox", "requestVerifiers", "answerProof", "inboxProof", "noteMac",
    "verifyNote", "sealAnswer", "openAnswer", "makeRequestLink", "makeInboxLink", "parseRequestLink", "parseInboxLink",
  ];
  assert.deepEqual(Object.keys(r).sort(), [...expected].sort());
  const source = readFileSync(modulePath, "utf8");
  for (const name of expected) assert.match(source, new RegExp(`^//.*\\b${name}\\b`, "m"), `${name} in the header comment`);
});

test("the module source is browser-clean: imports protocol.js alone, no Node APIs, no logging", () => {
  const code = readFileSync(modulePath, "utf8")
    .split("\n")
    .filter((line) => !line.trim().startsWith("//") && !line.trim().startsWith("*"))
    .join("\n");
  assert.deepEqual([...code.matchAll(/\bfrom\s+"([^"]+)"/g)].map((m) => m[1]), ["./protocol.js"]);
  assert.doesNotMatch(code, /\bBuffer\b|\brequire\s*\(|node:|\bprocess\.|\bconsole\.|\bMath\.random\b/);
});

// --- the vectors --------------------------------------------------------------------------------

test("request vectors exist and cover an empty and a non-BMP note", () => {
  assert.ok(REQUESTS.length >= 3);
  assert.ok(REQUESTS.some((v) => v.note === ""));
  assert.ok(REQUESTS.some((v) => [...v.note].some((c) => c.codePointAt(0) > 0xffff)));
});

for (const v of REQUESTS) {
  test(`request vector, derived independently with node:crypto: ${v.name}`, () => {
    const d = ref(v.d);
    const e = ref(v.e);
    const rid = ref(v.rid);
    const iv = ref(v.iv);
    assert.equal(rid.length, 16);
    assert.equal(hex(pointOf(d)), hex(ref(v.Q)), "Q = d·G");
    assert.equal(hex(pointOf(e)), hex(ref(v.E)), "E = e·G");
    assert.equal(hex(cat(d, ref(v.Q))), hex(ref(v.inbox_fragment)), "inbox fragment = d || Q");
    const admin = createECDH("prime256v1");
    admin.setPrivateKey(Buffer.from(d));
    const responder = createECDH("prime256v1");
    responder.setPrivateKey(Buffer.from(e));
    assert.equal(hex(responder.computeSecret(Buffer.from(ref(v.Q)))), hex(ref(v.shared)), "ECDH(e, Q)");
    assert.equal(hex(admin.computeSecret(Buffer.from(ref(v.E)))), hex(ref(v.shared)), "ECDH(d, E)");

    const answer = hkdf(ref(v.Q), "burnlink/v1/request/answer");
    const inbox = hkdf(d, "burnlink/v1/request/inbox");
    assert.equal(b64u(answer), v.answer_proof);
    assert.equal(b64u(inbox), v.inbox_proof);
    assert.equal(b64u(sha256(answer)), v.answer_verifier);
    assert.equal(b64u(sha256(inbox)), v.inbox_verifier);
    const noteKey = hkdf(ref(v.Q), "burnlink/v1/request/note");
    assert.equal(b64u(noteKey), v.note_key);
    assert.equal(b64u(createHmac("sha256", noteKey).update(cat(rid, te.encode(v.note))).digest()), v.note_mac);

    const encKey = hkdf(ref(v.shared), cat(te.encode("burnlink/v1/request/enc"), rid, ref(v.Q), ref(v.E)));
    assert.equal(b64u(encKey), v.enc_key);
    const cipher = createCipheriv("aes-256-gcm", encKey, iv);
    cipher.setAAD(te.encode("burnlink/v1/request"));
    const body = cat(cipher.update(ref(v.plaintext)), cipher.final(), cipher.getAuthTag());
    assert.equal(b64u(cat(ref(v.E), iv, body)), v.blob);
    assert.equal(v.request_url, `${v.base_url}/r/${v.rid}#${v.Q}`);
    assert.equal(v.inbox_url, `${v.base_url}/r/${v.rid}/inbox#${v.inbox_fragment}`);
  });

  test(`request vector, reproduced by request.js: ${v.name}`, async () => {
    const keys = await r.requestKeysFromInbox(ref(v.inbox_fragment));
    assert.equal(b64u(keys.d), v.d);
    assert.equal(b64u(keys.Q), v.Q);
    assert.equal(b64u(await r.answerProof(keys.Q)), v.answer_proof);
    assert.equal(b64u(await r.inboxProof(keys.d)), v.inbox_proof);
    const verifiers = await r.requestVerifiers(keys);
    assert.equal(b64u(verifiers.answerVerifier), v.answer_verifier);
    assert.equal(b64u(verifiers.inboxVerifier), v.inbox_verifier);
    assert.equal(b64u(await r.noteMac(keys.Q, v.rid, v.note)), v.note_mac);
    await r.verifyNote(keys.Q, v.rid, v.note, ref(v.note_mac));

    const ephemeral = { d: ref(v.e), Q: ref(v.E) };
    const blob = await r.sealAnswer(v.payload, keys.Q, v.rid, { ephemeral, iv: ref(v.iv) });
    assert.equal(b64u(blob), v.blob, "blob, byte for byte with Python");
    assert.deepEqual(await r.openAnswer(ref(v.blob), keys, v.rid), v.payload);

    assert.equal(await r.makeRequestLink(v.base_url, v.rid, keys.Q), v.request_url);
    assert.equal(await r.makeInboxLink(v.base_url, v.rid, keys), v.inbox_url);
    const request = await r.parseRequestLink(v.request_url);
    assert.deepEqual({ ...request, Q: b64u(request.Q) }, { baseUrl: v.base_url, rid: v.rid, Q: v.Q });
    const inboxLink = await r.parseInboxLink(v.inbox_url);
    assert.deepEqual([inboxLink.baseUrl, inboxLink.rid, b64u(inboxLink.keys.d), b64u(inboxLink.keys.Q)], [v.base_url, v.rid, v.d, v.Q]);
  });
}

// --- round trips ----------------------------------------------------------------------------------

test("a fresh request round-trips through its links, and Q is d's point", async () => {
  const keys = await r.newRequestKeys();
  assert.equal(keys.d.length, 32);
  assert.equal(hex(keys.Q), hex(pointOf(keys.d)));
  assert.notEqual(hex((await r.newRequestKeys()).d), hex(keys.d));
  const rid = b64u(p.randomBytes(16));
  const request = await r.parseRequestLink(await r.makeRequestLink("https://example.org/tools/burnlink/", rid, keys.Q));
  assert.equal(request.baseUrl, "https://example.org/tools/burnlink");
  await r.verifyNote(request.Q, request.rid, "the VPN password, please", await r.noteMac(keys.Q, rid, "the VPN password, please"));
  const payload = p.makePayload({ text: "s3cret" });
  const blob = await r.sealAnswer(payload, request.Q, request.rid);
  const verifiers = await r.requestVerifiers(keys);
  assert.equal(hex(sha256(await r.answerProof(request.Q))), hex(verifiers.answerVerifier));
  const inbox = await r.parseInboxLink(await r.makeInboxLink("https://example.org/tools/burnlink", rid, keys));
  assert.equal(hex(sha256(await r.inboxProof(inbox.keys.d))), hex(verifiers.inboxVerifier));
  assert.deepEqual(await r.openAnswer(blob, inbox.keys, inbox.rid), payload);
});

test("each seal draws a fresh ephemeral key and iv", async () => {
  const one = await r.sealAnswer(FIRST.payload, ref(FIRST.Q), FIRST.rid);
  const two = await r.sealAnswer(FIRST.payload, ref(FIRST.Q), FIRST.rid);
  assert.notEqual(hex(one.subarray(0, 65)), hex(two.subarray(0, 65)));
  assert.notEqual(hex(one.subarray(65, 77)), hex(two.subarray(65, 77)));
  assert.deepEqual(await r.openAnswer(one, keysOf(FIRST), FIRST.rid), FIRST.payload);
  assert.deepEqual(await r.openAnswer(two, keysOf(FIRST), FIRST.rid), FIRST.payload);
});

// --- hostile input ------------------------------------------------------------------------------

test("a swapped public key gives another answer proof, and its answer never opens", async () => {
  const swapped = await r.parseRequestLink(`${FIRST.base_url}/r/${FIRST.rid}#${b64u(OTHER.Q)}`);
  const proof = await r.answerProof(swapped.Q);
  assert.notEqual(b64u(proof), FIRST.answer_proof);
  assert.notEqual(b64u(sha256(proof)), FIRST.answer_verifier); // the server's verifier check refuses it
  const blob = await r.sealAnswer(FIRST.payload, swapped.Q, FIRST.rid);
  await assert.rejects(r.openAnswer(blob, keysOf(FIRST), FIRST.rid), refused("answer", /does not open/));
  await assert.rejects(r.verifyNote(swapped.Q, FIRST.rid, FIRST.note, ref(FIRST.note_mac)), refused("note"));
});

test("every flipped bit in the request link's key is refused", async () => {
  for (let i = 0; i < 65; i++) {
    const Q = ref(FIRST.Q);
    Q[i] ^= 1;
    await assert.rejects(r.parseRequestLink(`${FIRST.base_url}/r/${FIRST.rid}#${b64u(Q)}`), refused("url"), `byte ${i}`);
    await assert.rejects(r.answerProof(Q), refused("public_key"), `byte ${i}`);
  }
});

for (const v of REQUESTS) {
  test(`an altered note or MAC fails verification: ${v.name}`, async () => {
    const Q = ref(v.Q);
    const mac = ref(v.note_mac);
    const others = new Set([`${v.note} `, ` ${v.note}`, v.note.slice(0, -1), v.note.toUpperCase(), v.note.normalize("NFD"), "Send it to evil@example.com instead."]);
    others.delete(v.note);
    for (const other of others) await assert.rejects(r.verifyNote(Q, v.rid, other, mac), refused("note", /changed/), JSON.stringify(other));
    for (const index of [0, 31]) {
      const broken = mac.slice();
      broken[index] ^= 0x80;
      await assert.rejects(r.verifyNote(Q, v.rid, v.note, broken), refused("note"));
    }
    await assert.rejects(r.verifyNote(Q, OTHER_RID, v.note, mac), refused("note"));
    await assert.rejects(r.verifyNote(OTHER.Q, v.rid, v.note, mac), refused("note"));
    await assert.rejects(r.verifyNote(Q, v.rid, v.note, mac.subarray(0, 31)), refused("note_mac"));
    // The same with a MAC made here: it binds the request id and the key, not just the vector.
    const fresh = await r.noteMac(Q, v.rid, v.note);
    await r.verifyNote(Q, v.rid, v.note, fresh);
    await assert.rejects(r.verifyNote(Q, OTHER_RID, v.note, fresh), refused("note"));
    await assert.rejects(r.verifyNote(OTHER.Q, v.rid, v.note, await r.noteMac(OTHER.Q, OTHER_RID, v.note)), refused("note"));
  });

  test(`an answer replayed onto another request does not open: ${v.name}`, async () => {
    const keys = keysOf(v);
    const fresh = await r.sealAnswer(v.payload, keys.Q, v.rid);
    assert.deepEqual(await r.openAnswer(fresh, keys, v.rid), v.payload);
    for (const rid of [OTHER_RID, ...REQUESTS.filter((o) => o !== v).map((o) => o.rid)]) {
      await assert.rejects(r.openAnswer(ref(v.blob), keys, rid), refused("answer"));
      await assert.rejects(r.openAnswer(fresh, keys, rid), refused("answer"));
    }
  });
}

test("a wrong inbox key gives another inbox proof and cannot open", async () => {
  assert.notEqual(b64u(await r.inboxProof(OTHER.d)), FIRST.inbox_proof);
  assert.notEqual(b64u((await r.requestVerifiers(OTHER)).inboxVerifier), FIRST.inbox_verifier);
  await assert.rejects(r.openAnswer(ref(FIRST.blob), OTHER, FIRST.rid), refused("answer"));
  await assert.rejects(r.openAnswer(ref(REQUESTS[1].blob), keysOf(FIRST), REQUESTS[1].rid), refused("answer"));
});

test("an inbox key whose halves do not belong together is refused", async () => {
  const mixed = cat(ref(FIRST.d), OTHER.Q);
  await assert.rejects(r.requestKeysFromInbox(mixed), refused("inbox_key", /belong together/));
  await assert.rejects(r.requestVerifiers({ d: OTHER.d, Q: ref(FIRST.Q) }), refused("inbox_key"));
  await assert.rejects(r.openAnswer(ref(FIRST.blob), { d: OTHER.d, Q: ref(FIRST.Q) }, FIRST.rid), refused("inbox_key"));
  await assert.rejects(r.parseInboxLink(`${FIRST.base_url}/r/${FIRST.rid}/inbox#${b64u(mixed)}`), refused("url"));
  await assert.rejects(r.requestKeysFromInbox(ref(FIRST.inbox_fragment).subarray(0, 96)), refused("inbox_key"));
  await assert.rejects(r.sealAnswer(FIRST.payload, ref(FIRST.Q), FIRST.rid, { ephemeral: { d: ref(FIRST.e), Q: OTHER.Q } }), refused("ephemeral"));
});

test("a tampered, short or foreign answer does not open", async () => {
  const keys = keysOf(FIRST);
  for (const index of [0, 1, 40, 64, 65, 76, 77]) {
    const broken = ref(FIRST.blob);
    broken[index] ^= 1;
    await assert.rejects(r.openAnswer(broken, keys, FIRST.rid), refused("answer"), `byte ${index}`);
  }
  for (const back of [1, 17]) {
    const broken = ref(FIRST.blob);
    broken[broken.length - back] ^= 1;
    await assert.rejects(r.openAnswer(broken, keys, FIRST.rid), refused("answer"));
  }
  const blob = ref(FIRST.blob);
  await assert.rejects(r.openAnswer(blob.subarray(0, 92), keys, FIRST.rid), refused("answer", /too short/));
  await assert.rejects(r.openAnswer(blob.subarray(0, 93), keys, FIRST.rid), refused("answer"));
  await assert.rejects(r.openAnswer(cat(new Uint8Array(65), blob.subarray(65)), keys, FIRST.rid), refused("answer"));
  await assert.rejects(r.openAnswer(FIRST.blob, keys, FIRST.rid), refused("answer"));
  await assert.rejects(r.openAnswer(ref(vectors.secrets[0].blob), keys, FIRST.rid), refused("answer"));
  await assert.rejects(r.openAnswer(blob, null, FIRST.rid), refused("inbox_key"));
});

const Q0 = ref(FIRST.Q);
const compressed = cat([2 + (Q0[64] & 1)], Q0.subarray(1, 33));
const yPlusOne = (() => {
  const out = Q0.slice();
  for (let i = 64; i >= 33; i--) if (++out[i] !== 256) break; // big-endian +1: 256 is stored as 0, carry on
  return out;
})();
const BAD_PUBLIC_KEYS = {
  "empty": new Uint8Array(0),
  "64 bytes": Q0.subarray(1),
  "66 bytes": cat(Q0, [0]),
  "compressed (33 bytes)": compressed,
  "compressed prefix on 65 bytes": cat([2], Q0.subarray(1)),
  "hybrid prefix": cat([6], Q0.subarray(1)),
  "not on the curve (y + 1)": yPlusOne,
  "all zero coordinates": cat([4], new Uint8Array(64)),
  "text, not bytes": FIRST.Q,
};

for (const [why, bad] of Object.entries(BAD_PUBLIC_KEYS)) {
  test(`a malformed public key is refused everywhere: ${why}`, async () => {
    await assert.rejects(r.answerProof(bad), refused("public_key"));
    await assert.rejects(r.noteMac(bad, FIRST.rid, "note"), refused("public_key"));
    await assert.rejects(r.verifyNote(bad, FIRST.rid, FIRST.note, ref(FIRST.note_mac)), refused("public_key"));
    await assert.rejects(r.sealAnswer(FIRST.payload, bad, FIRST.rid), refused("public_key"));
    await assert.rejects(r.makeRequestLink(FIRST.base_url, FIRST.rid, bad), refused("public_key"));
    await assert.rejects(r.requestVerifiers({ d: ref(FIRST.d), Q: bad }), refused("public_key"));
    if (typeof bad !== "string") await assert.rejects(r.parseRequestLink(`${FIRST.base_url}/r/${FIRST.rid}#${b64u(bad)}`), refused("url"));
  });
}

test("the y + 1 key really is a 65-byte uncompressed encoding one away from Q", () => {
  assert.equal(yPlusOne.length, 65);
  assert.equal(yPlusOne[0], 4);
  assert.equal(BigInt(`0x${hex(yPlusOne.subarray(33))}`), BigInt(`0x${hex(Q0.subarray(33))}`) + 1n);
});

const nPlusOne = Buffer.from(N);
nPlusOne[31] += 1;
const BAD_PRIVATE_KEYS = {
  "zero": new Uint8Array(32),
  "the order n": new Uint8Array(N),
  "n + 1": new Uint8Array(nPlusOne),
  "all ones": new Uint8Array(32).fill(0xff),
  "31 bytes": new Uint8Array(31).fill(1),
  "33 bytes": new Uint8Array(33).fill(1),
  "text, not bytes": FIRST.d,
};

for (const [why, bad] of Object.entries(BAD_PRIVATE_KEYS)) {
  test(`a malformed private key is refused everywhere: ${why}`, async () => {
    await assert.rejects(r.inboxProof(bad), refused("private_key"));
    await assert.rejects(r.requestVerifiers({ d: bad, Q: ref(FIRST.Q) }), refused("private_key"));
    if (bad.length === 32 && typeof bad !== "string") {
      await assert.rejects(r.requestKeysFromInbox(cat(bad, ref(FIRST.Q))), refused("private_key"));
    }
  });
}

test("the largest private scalar n - 1 is accepted (its point is -G)", async () => {
  const d = new Uint8Array(N);
  d[31] -= 1;
  const keys = await r.requestKeysFromInbox(cat(d, pointOf(d)));
  assert.equal(b64u(await r.inboxProof(keys.d)), b64u(hkdf(d, "burnlink/v1/request/inbox")));
});

for (const rid of ["", "A".repeat(21), "A".repeat(23), `${"A".repeat(21)}B`, `${"A".repeat(20)}==`, `${"A".repeat(20)}+/`, new Uint8Array(16), null]) {
  test(`a malformed request id is refused: ${JSON.stringify(rid)}`, async () => {
    const keys = keysOf(FIRST);
    await assert.rejects(r.noteMac(keys.Q, rid, "note"), refused("rid"));
    await assert.rejects(r.sealAnswer(FIRST.payload, keys.Q, rid), refused("rid"));
    await assert.rejects(r.openAnswer(ref(FIRST.blob), keys, rid), refused("rid"));
    await assert.rejects(r.makeRequestLink(FIRST.base_url, rid, keys.Q), refused("rid"));
    await assert.rejects(r.makeInboxLink(FIRST.base_url, rid, keys), refused("rid"));
  });
}

test("a note must be text that every client encodes alike", async () => {
  const Q = ref(FIRST.Q);
  await assert.rejects(r.noteMac(Q, FIRST.rid, "half a pair \ud83d"), refused("note", /Unicode/));
  await assert.rejects(r.noteMac(Q, FIRST.rid, te.encode("bytes")), refused("note"));
  await assert.rejects(r.noteMac(Q, FIRST.rid, null), refused("note"));
});

test("sealing refuses a bad payload, iv or ephemeral key", async () => {
  const Q = ref(FIRST.Q);
  await assert.rejects(r.sealAnswer({ v: 2, kind: "text" }, Q, FIRST.rid), refused("payload"));
  await assert.rejects(r.sealAnswer(FIRST.payload, Q, FIRST.rid, { iv: new Uint8Array(11) }), refused("iv"));
  await assert.rejects(r.sealAnswer(FIRST.payload, Q, FIRST.rid, { ephemeral: ref(FIRST.e) }), refused("ephemeral"));
  await assert.rejects(r.sealAnswer(FIRST.payload, Q, FIRST.rid, { ephemeral: "e" }), refused("ephemeral"));
});

const R = FIRST.rid;
const QT = FIRST.Q;
const IT = FIRST.inbox_fragment;
const BAD_REQUEST_LINKS = [
  `https://h/r/${R}`,
  `https://h/r/${R}#`,
  `https://h/r/${R}#${QT.slice(0, -1)}`,
  `https://h/r/${R}#${QT}A`,
  `https://h/r/${R}#${QT}=`,
  `https://h/r/${R}#${IT}`,
  `https://h/r/${R.slice(0, -1)}#${QT}`,
  `https://h/r/${R.slice(0, -1)}B#${QT}`,
  `https://h/s/${R}#${QT}`,
  `https://h/r/${R}/inbox#${QT}`,
  `ftp://h/r/${R}#${QT}`,
  `https://burnlink.example@evil.example/r/${R}#${QT}`,
  `https://h/r/${R}#v2.${QT}`,
  "http://[",
  "",
  null,
];
const BAD_INBOX_LINKS = [
  `https://h/r/${R}/inbox`,
  `https://h/r/${R}/inbox#${IT.slice(0, -1)}`,
  `https://h/r/${R}/inbox#${QT}`,
  `https://h/r/${R}#${IT}`,
  `https://h/r/${R.slice(0, -1)}/inbox#${IT}`,
  `https://h/r/${R}/outbox#${IT}`,
  `javascript://h/r/${R}/inbox#${IT}`,
  `https://burnlink.example@evil.example/r/${R}/inbox#${IT}`,
];

test("parseRequestLink refuses malformed links", async () => {
  for (const url of BAD_REQUEST_LINKS) await assert.rejects(r.parseRequestLink(url), refused("url"), String(url));
});

test("parseInboxLink refuses malformed links", async () => {
  for (const url of BAD_INBOX_LINKS) await assert.rejects(r.parseInboxLink(url), refused("url"), String(url));
});

test("each link parser refuses the other link with a reason", async () => {
  await assert.rejects(r.parseRequestLink(FIRST.inbox_url), refused("url", /inbox link/));
  await assert.rejects(r.parseInboxLink(FIRST.request_url), refused("url", /answer/));
});

test("link parsers take a path prefix and a trailing slash, and ignore a query", async () => {
  const base = "http://example.org/tools/burnlink";
  const request = await r.parseRequestLink(`  ${base}/r/${R}/?utm=x#${QT}\n`);
  assert.deepEqual([request.baseUrl, request.rid, b64u(request.Q)], [base, R, QT]);
  const inbox = await r.parseInboxLink(`${base}/r/${R}/inbox/#${IT}`);
  assert.deepEqual([inbox.baseUrl, inbox.rid, b64u(inbox.keys.d)], [base, R, FIRST.d]);
});
