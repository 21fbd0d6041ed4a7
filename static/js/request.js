// burnlink requests, for the browser (and Node 20): an admin asks someone to send a secret, sealed
// to a P-256 key the server never sees. WebCrypto only; builds on ./protocol.js and nothing else.
// Mirrors app/core/request.py name for name (snake_case there, camelCase here); both are held to
// tests/vectors.json "requests" and described in docs/protocol.md, "Requests".
//
// Exports:
//   newRequestKeys, requestKeysFromInbox, requestVerifiers, answerProof, inboxProof, noteMac,
//   verifyNote, sealAnswer, openAnswer, makeRequestLink, makeInboxLink, parseRequestLink,
//   parseInboxLink
//
// Key pairs are plain objects { d, Q }: d the 32-byte private scalar, Q the 65-byte uncompressed
// public point. A request id (rid) is its 22-symbol base64url text, as in paths and links. Every
// bad input throws ProtocolError with a sentence a person can read and a field name.
import {
  ProtocolError,
  asBytes,
  b64uDecode,
  b64uEncode,
  concat,
  decodePayload,
  encodePayload,
  exactBytes,
  hkdf,
  randomBytes,
  sha256,
  subtle,
} from "./protocol.js";

const ID_LEN = 16;
const IV_LEN = 12;
const TAG_LEN = 16;
const PUBLIC_LEN = 65; // uncompressed SEC1: 0x04 || x || y
const PRIVATE_LEN = 32;
const INBOX_LEN = PRIVATE_LEN + PUBLIC_LEN;
const MIN_ANSWER = PUBLIC_LEN + IV_LEN + TAG_LEN;
const utf8 = new TextEncoder();
const AAD = utf8.encode("burnlink/v1/request");
const INFO = {
  answer: utf8.encode("burnlink/v1/request/answer"),
  inbox: utf8.encode("burnlink/v1/request/inbox"),
  note: utf8.encode("burnlink/v1/request/note"),
  enc: utf8.encode("burnlink/v1/request/enc"),
};
const EC = { name: "ECDH", namedCurve: "P-256" };
// The order of P-256's base point: a private scalar d must be 1 <= d < n.
const ORDER = Uint8Array.from(
  "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551".match(/../g),
  (pair) => parseInt(pair, 16),
);

// --- keys ----------------------------------------------------------------------------------------

function publicBytes(Q, what = "A request's public key", field = "public_key") {
  const bytes = asBytes(Q, what, field);
  // Only the uncompressed form: one spelling per key, and the size the links promise.
  if (bytes.length !== PUBLIC_LEN || bytes[0] !== 0x04) {
    throw new ProtocolError(`${what} must be ${PUBLIC_LEN} bytes in uncompressed form (starting 0x04).`, field);
  }
  return bytes;
}

/** Import Q for ECDH; WebCrypto refuses a point that is not on the curve. */
async function importPublic(Q, what = "A request's public key", field = "public_key") {
  const bytes = publicBytes(Q, what, field);
  try {
    return await subtle().importKey("raw", bytes, EC, true, []);
  } catch {
    throw new ProtocolError(`${what} is not a point on the P-256 curve.`, field);
  }
}

function privateBytes(d) {
  const bytes = exactBytes(d, PRIVATE_LEN, "A request's private key", "private_key");
  // Big-endian comparison with the order; zero is out of range as well.
  let cmp = 0;
  for (let i = 0; i < PRIVATE_LEN && cmp === 0; i++) cmp = Math.sign(bytes[i] - ORDER[i]);
  if (cmp >= 0 || bytes.every((b) => b === 0)) {
    throw new ProtocolError("A request's private key is out of range for the P-256 curve.", "private_key");
  }
  return bytes;
}

/**
 * Check a key pair and import its private half as a JWK (WebCrypto cannot compute Q from d). The
 * import refuses a point off the curve, and Node's also a d whose point is not Q; a pair that got
 * past a laxer browser still opens nothing, because Q is part of enc_key's info.
 */
async function importPair(keys, what = "The inbox key", field = "inbox_key") {
  if (keys === null || typeof keys !== "object" || !("d" in keys) || !("Q" in keys)) {
    throw new ProtocolError(`${what} must be a key pair { d, Q }.`, field);
  }
  const d = privateBytes(keys.d);
  const Q = publicBytes(keys.Q);
  await importPublic(Q);
  const jwk = { kty: "EC", crv: "P-256", d: b64uEncode(d), x: b64uEncode(Q.subarray(1, 33)), y: b64uEncode(Q.subarray(33)) };
  try {
    return { d, Q, privateKey: await subtle().importKey("jwk", jwk, EC, false, ["deriveBits"]) };
  } catch {
    throw new ProtocolError(`${what}'s two halves do not belong together: the link is damaged.`, field);
  }
}

/** A fresh key pair `{ d, Q }` for a new request (made by the admin's page). */
export async function newRequestKeys() {
  const pair = await subtle().generateKey(EC, true, ["deriveBits"]);
  const jwk = await subtle().exportKey("jwk", pair.privateKey);
  const coordinate = (text) => b64uDecode(text, { length: 32, field: "key" });
  return { d: coordinate(jwk.d), Q: concat(Uint8Array.of(0x04), coordinate(jwk.x), coordinate(jwk.y)) };
}

/** The key pair `{ d, Q }` in an inbox link's fragment `d || Q` (97 bytes), checked to belong together. */
export async function requestKeysFromInbox(fragment) {
  const bytes = exactBytes(fragment, INBOX_LEN, "The inbox key", "inbox_key");
  const keys = { d: bytes.slice(0, PRIVATE_LEN), Q: bytes.slice(PRIVATE_LEN) };
  await importPair(keys);
  return keys;
}

// --- proofs and verifiers ------------------------------------------------------------------------

/** `HKDF(Q, "burnlink/v1/request/answer")`: proves an answer came from someone holding Q. */
export async function answerProof(Q) {
  await importPublic(Q);
  return hkdf(asBytes(Q), INFO.answer);
}

/** `HKDF(d, "burnlink/v1/request/inbox")`: proves a reader of the answer holds d. */
export async function inboxProof(d) {
  return hkdf(privateBytes(d), INFO.inbox);
}

/** The two verifiers the admin's page sends when it creates a request: `{ answerVerifier, inboxVerifier }`. */
export async function requestVerifiers(keys) {
  const { d, Q } = await importPair(keys);
  const [answer, inbox] = await Promise.all([answerProof(Q), inboxProof(d)]);
  return { answerVerifier: await sha256(answer), inboxVerifier: await sha256(inbox) };
}

// --- the note ------------------------------------------------------------------------------------

function ridBytes(rid) {
  if (typeof rid !== "string" || !/^[A-Za-z0-9_-]{22}$/.test(rid)) {
    throw new ProtocolError("A request id must be 22 base64url characters (16 bytes).", "rid");
  }
  try {
    return b64uDecode(rid, { length: ID_LEN, field: "rid" });
  } catch {
    throw new ProtocolError("A request id must be 22 base64url characters (16 bytes).", "rid");
  }
}

function noteBytes(note) {
  if (typeof note !== "string") throw new ProtocolError("The note must be text.", "note");
  // TextEncoder would turn a lone surrogate into U+FFFD, which Python refuses: no MAC would match.
  if (/\p{Cs}/u.test(note)) throw new ProtocolError("The note must be valid Unicode text.", "note");
  return utf8.encode(note);
}

async function noteKey(Q, rid, note, usage) {
  await importPublic(Q);
  const message = concat(ridBytes(rid), noteBytes(note));
  const raw = await hkdf(asBytes(Q), INFO.note);
  const key = await subtle().importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
  return { key, message };
}

/** `HMAC-SHA256(HKDF(Q, "burnlink/v1/request/note"), rid || UTF-8(note))`, 32 bytes. */
export async function noteMac(Q, rid, note) {
  const { key, message } = await noteKey(Q, rid, note, "sign");
  return new Uint8Array(await subtle().sign("HMAC", key, message));
}

/** Resolve when `mac` is the note's MAC under Q for request `rid`; throw ProtocolError otherwise. */
export async function verifyNote(Q, rid, note, mac) {
  const tag = exactBytes(mac, 32, "The note's MAC", "note_mac");
  const { key, message } = await noteKey(Q, rid, note, "verify");
  if (!(await subtle().verify("HMAC", key, tag, message))) {
    throw new ProtocolError("The request's note was changed after it was written (its MAC does not match).", "note");
  }
}

// --- the answer ----------------------------------------------------------------------------------

async function answerKey(privateKey, publicKey, rid, Q, E) {
  const shared = new Uint8Array(await subtle().deriveBits({ name: "ECDH", public: publicKey }, privateKey, 256));
  // The info binds the version, the request and both public keys: a blob cannot move to another.
  const raw = await hkdf(shared, concat(INFO.enc, rid, Q, E));
  return subtle().importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/**
 * `E || iv || AES-256-GCM(encKey, iv, payload JSON, "burnlink/v1/request")`, sealed to Q.
 * `ephemeral` (a key pair `{ d, Q }`) and `iv` are fresh unless given (tests fix them).
 */
export async function sealAnswer(payload, Q, rid, { ephemeral = null, iv = null } = {}) {
  const plaintext = encodePayload(payload);
  const publicKey = await importPublic(Q);
  const id = ridBytes(rid);
  const pair = ephemeral === null ? await newRequestKeys() : ephemeral;
  const { privateKey, Q: E } = await importPair(pair, "The ephemeral key", "ephemeral");
  const nonce = iv === null ? randomBytes(IV_LEN) : exactBytes(iv, IV_LEN, "The iv", "iv");
  const key = await answerKey(privateKey, publicKey, id, asBytes(Q), E);
  const sealed = await subtle().encrypt({ name: "AES-GCM", iv: nonce, additionalData: AAD, tagLength: 128 }, key, plaintext);
  return concat(E, nonce, new Uint8Array(sealed));
}

/** Open an answer with the inbox keys; refuse one sealed for another request or key, or altered. */
export async function openAnswer(blob, keys, rid) {
  const data = asBytes(blob, "The answer", "answer");
  if (data.length < MIN_ANSWER) throw new ProtocolError(`The answer is too short (at least ${MIN_ANSWER} bytes).`, "answer");
  const { privateKey, Q } = await importPair(keys);
  const id = ridBytes(rid);
  const E = data.subarray(0, PUBLIC_LEN);
  const sender = await importPublic(E, "The answer's ephemeral key", "answer");
  const key = await answerKey(privateKey, sender, id, Q, E);
  let plain;
  try {
    const iv = data.subarray(PUBLIC_LEN, PUBLIC_LEN + IV_LEN);
    plain = await subtle().decrypt({ name: "AES-GCM", iv, additionalData: AAD, tagLength: 128 }, key, data.subarray(PUBLIC_LEN + IV_LEN));
  } catch {
    throw new ProtocolError(
      "The answer does not open with this inbox key: it was sealed for another request or key, or it was changed.",
      "answer",
    );
  }
  return decodePayload(new Uint8Array(plain));
}

// --- links ---------------------------------------------------------------------------------------

function baseOf(baseUrl) {
  if (typeof baseUrl !== "string") throw new ProtocolError("The server address must be text.", "url");
  return baseUrl.replace(/\/+$/, "");
}

/** `{baseUrl}/r/{rid}#{b64u(Q)}`: the link for the person who answers. */
export async function makeRequestLink(baseUrl, rid, Q) {
  const base = baseOf(baseUrl);
  ridBytes(rid);
  await importPublic(Q);
  return `${base}/r/${rid}#${b64uEncode(Q)}`;
}

/** `{baseUrl}/r/{rid}/inbox#{b64u(d || Q)}`: the link the admin keeps to read the answer. */
export async function makeInboxLink(baseUrl, rid, keys) {
  const base = baseOf(baseUrl);
  ridBytes(rid);
  const { d, Q } = await importPair(keys);
  return `${base}/r/${rid}/inbox#${b64uEncode(concat(d, Q))}`;
}

/** `{ baseUrl, rid, fragment }` of an http(s) link to /r/ID (or /r/ID/inbox), parsed as a browser navigates. */
function split(url, inbox) {
  const wrong = () =>
    new ProtocolError(
      inbox
        ? "This is not a burnlink inbox link (expected https://host/r/ID/inbox#KEY)."
        : "This is not a burnlink request link (expected https://host/r/ID#KEY).",
      "url",
    );
  if (typeof url !== "string") throw wrong();
  let parsed;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw wrong();
  }
  const match = /^(.*)\/r\/([A-Za-z0-9_-]+)(\/inbox)?\/?$/.exec(parsed.pathname);
  if (!(parsed.protocol === "http:" || parsed.protocol === "https:") || !parsed.host || !match) throw wrong();
  if (parsed.username || parsed.password) {
    // "https://burnlink.example@evil.example/r/…" reads like burnlink but goes to evil.example.
    throw new ProtocolError("This link names a user before its server (user@host); burnlink links never do.", "url");
  }
  if (inbox && !match[3]) throw new ProtocolError("This is the link to answer a request, not its inbox link.", "url");
  if (!inbox && match[3]) {
    throw new ProtocolError("This is the inbox link of a request, for the person who asked; it cannot answer it.", "url");
  }
  try {
    ridBytes(match[2]);
  } catch {
    throw new ProtocolError("This link's request id is damaged or cut short (expected 22 characters after /r/).", "url");
  }
  const fragment = parsed.hash.replace(/^#/, "");
  if (!fragment) throw new ProtocolError("The link has no key after '#': it was cut short.", "url");
  let bytes;
  try {
    bytes = b64uDecode(fragment, { length: inbox ? INBOX_LEN : PUBLIC_LEN, field: "key" });
  } catch {
    throw new ProtocolError("The key after '#' is damaged, cut short, or from another protocol version.", "url");
  }
  return { baseUrl: `${parsed.protocol}//${parsed.host}${match[1]}`, rid: match[2], bytes };
}

/** Split a request link into `{ baseUrl, rid, Q }` strictly; Q is checked to be on the curve. */
export async function parseRequestLink(url) {
  const { baseUrl, rid, bytes } = split(url, false);
  try {
    await importPublic(bytes);
  } catch {
    throw new ProtocolError("The key after '#' is not a valid public key: the link is damaged.", "url");
  }
  return { baseUrl, rid, Q: bytes };
}

/** Split an inbox link into `{ baseUrl, rid, keys: { d, Q } }` strictly; the pair is checked to belong together. */
export async function parseInboxLink(url) {
  const { baseUrl, rid, bytes } = split(url, true);
  let keys;
  try {
    keys = await requestKeysFromInbox(bytes);
  } catch {
    throw new ProtocolError("The key after '#' is not a valid inbox key: the link is damaged.", "url");
  }
  return { baseUrl, rid, keys };
}
