// burnlink protocol, version 1, for the browser (and Node 20): WebCrypto only, no dependencies.
// The one JavaScript implementation of PROTOCOL.md; held to tests/vectors.json like the Python one.

export const VERSION = 1;
const KEY_LEN = 32;
const ID_LEN = 16;
const IV_LEN = 12;
const MIN_BLOB = IV_LEN + 16;
const PBKDF2_ITERATIONS = 600000;
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const enc = new TextEncoder();
const AAD = enc.encode("burnlink/v1");
const INFO = {
  link: enc.encode("burnlink/v1/link"),
  enc: enc.encode("burnlink/v1/enc"),
  auth: enc.encode("burnlink/v1/auth"),
};

/** A protocol rule was broken; `message` is a sentence for a person. */
export class ProtocolError extends Error {
  constructor(message, field = null) {
    super(message);
    this.name = "ProtocolError";
    this.code = "invalid_field";
    this.field = field;
  }
}

function subtle() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  if (!s) throw new ProtocolError("This browser offers no WebCrypto here (it needs HTTPS or localhost).");
  return s;
}

/** `n` bytes from the platform CSPRNG. */
export function randomBytes(n) {
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

// --- base64 ---------------------------------------------------------------------------------

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function encodeBase64(bytes, alphabet, pad) {
  let out = "";
  const chunk = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const left = bytes.length - i;
    chunk.push(alphabet[(n >> 18) & 63], alphabet[(n >> 12) & 63]);
    chunk.push(left > 1 ? alphabet[(n >> 6) & 63] : pad ? "=" : "");
    chunk.push(left > 2 ? alphabet[n & 63] : pad ? "=" : "");
    // Join in slices so a 1 MiB input never builds one giant argument list.
    if (chunk.length >= 8192) {
      out += chunk.join("");
      chunk.length = 0;
    }
  }
  return out + chunk.join("");
}

function decodeBase64(text, alphabet) {
  const values = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) values[alphabet.charCodeAt(i)] = i;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? values[c] : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  if (acc & ((1 << bits) - 1)) return null; // non-zero trailing bits
  return out.subarray(0, o);
}

/** Bytes as base64url without padding (RFC 4648 §5). */
export function b64uEncode(bytes) {
  return encodeBase64(bytes, B64.slice(0, 62) + "-_", false);
}

/**
 * Strict base64url: no padding, no white space, canonical trailing bits.
 * `length` demands an exact decoded size, `minLength` a smallest one.
 */
export function b64uDecode(text, { length, minLength, field } = {}) {
  const name = field || "value";
  if (typeof text !== "string" || text.length % 4 === 1) {
    throw new ProtocolError(`${name} must be base64url without padding.`, field);
  }
  const bytes = decodeBase64(text, B64.slice(0, 62) + "-_");
  if (bytes === null) throw new ProtocolError(`${name} must be base64url without padding.`, field);
  if (length !== undefined && bytes.length !== length) {
    throw new ProtocolError(`${name} must decode to ${length} bytes.`, field);
  }
  if (minLength !== undefined && bytes.length < minLength) {
    throw new ProtocolError(`${name} must decode to at least ${minLength} bytes.`, field);
  }
  return bytes;
}

function b64Encode(bytes) {
  return encodeBase64(bytes, B64, true);
}

function b64Decode(text) {
  if (typeof text !== "string" || text.length % 4 !== 0) return null;
  const bare = text.replace(/={1,2}$/, "");
  if (bare.includes("=")) return null;
  return decodeBase64(bare, B64);
}

// --- access codes -----------------------------------------------------------------------------

/** Ten Crockford base32 symbols (50 bits, 5 fresh random bits each) shown as XXXXX-XXXXX. */
export function generateCode() {
  const bytes = randomBytes(10);
  let out = "";
  for (let i = 0; i < 10; i++) {
    out += CROCKFORD[bytes[i] & 31]; // 256 is a multiple of 32: no modulo bias
    if (i === 4) out += "-";
  }
  return out;
}

// U+0009–U+000D, space, hyphen-minus, U+2010–U+2015 and U+2212.
const CODE_STRIP = /[\t\n\v\f\r \-\u2010-\u2015\u2212]/g;

/** Normalize an access code as PROTOCOL.md says, or throw ProtocolError. */
export function normalizeCode(code) {
  const text = String(code)
    .normalize("NFKC")
    .replace(CODE_STRIP, "")
    .toUpperCase()
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (text.length < 8 || text.length > 64) {
    throw new ProtocolError("An access code must be 8 to 64 characters (not counting spaces and dashes).", "access_code");
  }
  if (!/^[\x21-\x7e]+$/.test(text)) {
    throw new ProtocolError("An access code may use only printable ASCII characters.", "access_code");
  }
  return text;
}

// --- key schedule -------------------------------------------------------------------------------

async function hkdf(ikm, info) {
  const key = await subtle().importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  const bits = await subtle().deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info }, key, 256);
  return new Uint8Array(bits);
}

async function sha256(bytes) {
  return new Uint8Array(await subtle().digest("SHA-256", bytes));
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function checkKey(K) {
  if (!(K instanceof Uint8Array) || K.length !== KEY_LEN) throw new ProtocolError("The fragment key must be 32 bytes.", "key");
}

/** `ck`: PBKDF2 of the normalized code salted with K; empty without a code. */
export async function codeKey(K, code) {
  if (code === null || code === undefined) return new Uint8Array(0);
  const password = enc.encode(normalizeCode(code));
  const key = await subtle().importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  const bits = await subtle().deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: K, iterations: PBKDF2_ITERATIONS }, key, 256);
  return new Uint8Array(bits);
}

/** `link`: proves the holder has the fragment key (cheap, no PBKDF2). */
export async function linkProof(K) {
  checkKey(K);
  return hkdf(K, INFO.link);
}

/** Run the key schedule; `code` is the access code as typed (normalized here) or null. */
export async function deriveKeys(K, code = null) {
  checkKey(K);
  const ck = await codeKey(K, code);
  const ikm = concat(K, ck);
  const [link, encKey, auth] = await Promise.all([hkdf(K, INFO.link), hkdf(ikm, INFO.enc), hkdf(ikm, INFO.auth)]);
  const [linkVerifier, authVerifier] = await Promise.all([sha256(link), sha256(auth)]);
  return { ck, link, encKey, auth, linkVerifier, authVerifier };
}

// --- payload and ciphertext --------------------------------------------------------------------

/** Build a payload, leaving absent members out (never null). */
export function makePayload({ kind = "text", text, fields, files } = {}) {
  const payload = { v: VERSION, kind };
  if (text !== undefined && text !== null) payload.text = text;
  if (fields && Object.keys(fields).length) payload.fields = { ...fields };
  if (files && files.length) payload.files = [...files];
  return payload;
}

/** One files[] member: the bytes as standard base64 with padding. */
export function fileEntry(name, type, bytes) {
  return { name, type: type || "application/octet-stream", data: b64Encode(bytes) };
}

/** The bytes of one files[] member (strict standard base64). */
export function fileBytes(entry) {
  const bytes = b64Decode(entry && entry.data);
  if (bytes === null) throw new ProtocolError("A file in the payload has invalid base64 data.", "files");
  return bytes;
}

/** Throw ProtocolError unless `payload` has the version-1 shape. */
export function validatePayload(payload) {
  const bad = (why) => new ProtocolError(`Invalid payload: ${why}.`, "payload");
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) throw bad("not an object");
  if (payload.v !== VERSION) throw bad("unsupported version");
  if (typeof payload.kind !== "string" || !payload.kind) throw bad("kind must be a non-empty string");
  if ("text" in payload && typeof payload.text !== "string") throw bad("text must be a string");
  const fields = payload.fields ?? {};
  if (typeof fields !== "object" || Array.isArray(fields) || fields === null || !Object.values(fields).every((v) => typeof v === "string")) {
    throw bad("fields must map names to strings");
  }
  const files = payload.files ?? [];
  if (!Array.isArray(files)) throw bad("files must be a list");
  for (const f of files) {
    if (!f || typeof f !== "object" || !["name", "type", "data"].every((m) => typeof f[m] === "string")) {
      throw bad("each file needs a name, a type and data");
    }
  }
}

/** UTF-8 JSON of a payload. */
export function encodePayload(payload) {
  validatePayload(payload);
  return enc.encode(JSON.stringify(payload));
}

/** Parse a plaintext strictly (fatal UTF-8, version 1 shape). */
export function decodePayload(bytes) {
  let payload;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    throw new ProtocolError("The secret's payload is not valid UTF-8 JSON.", "payload");
  }
  validatePayload(payload);
  return payload;
}

async function aesKey(encKey, usage) {
  return subtle().importKey("raw", encKey, "AES-GCM", false, [usage]);
}

/** blob = iv || AES-256-GCM(encKey, iv, plaintext, aad "burnlink/v1"); iv random unless given. */
export async function seal(plaintext, encKey, iv = randomBytes(IV_LEN)) {
  const key = await aesKey(encKey, "encrypt");
  const sealed = await subtle().encrypt({ name: "AES-GCM", iv, additionalData: AAD }, key, plaintext);
  return concat(iv, new Uint8Array(sealed));
}

/** Open a blob, or throw ProtocolError if it was not sealed with encKey. */
export async function unseal(blob, encKey) {
  if (blob.length < MIN_BLOB) throw new ProtocolError("The ciphertext is too short.", "ciphertext");
  const key = await aesKey(encKey, "decrypt");
  try {
    const plain = await subtle().decrypt({ name: "AES-GCM", iv: blob.subarray(0, IV_LEN), additionalData: AAD }, key, blob.subarray(IV_LEN));
    return new Uint8Array(plain);
  } catch {
    throw new ProtocolError("The ciphertext does not open with these keys.", "ciphertext");
  }
}

// --- links -----------------------------------------------------------------------------------

/** `{baseUrl}/s/{id}#{b64u(K)}`. */
export function makeLink(baseUrl, id, K) {
  return `${baseUrl.replace(/\/+$/, "")}/s/${id}#${b64uEncode(K)}`;
}

/** Split a burnlink link into its server, id and fragment key, strictly. */
export function parseLink(url) {
  let parsed;
  try {
    parsed = new URL(String(url).trim());
  } catch {
    throw new ProtocolError("This is not a burnlink link (expected https://host/s/ID#KEY).", "url");
  }
  const match = /^(.*)\/s\/([A-Za-z0-9_-]+)\/?$/.exec(parsed.pathname);
  if (!["http:", "https:"].includes(parsed.protocol) || !match) {
    throw new ProtocolError("This is not a burnlink link (expected https://host/s/ID#KEY).", "url");
  }
  b64uDecode(match[2], { length: ID_LEN, field: "id" });
  const fragment = parsed.hash.replace(/^#/, "");
  if (!fragment) throw new ProtocolError("The link has no key after '#': it was cut short.", "url");
  let K;
  try {
    K = b64uDecode(fragment, { length: KEY_LEN, field: "key" });
  } catch {
    throw new ProtocolError("The key after '#' is damaged, cut short, or from another protocol version.", "url");
  }
  return { baseUrl: `${parsed.protocol}//${parsed.host}${match[1]}`, id: match[2], K };
}

// --- one-call helpers --------------------------------------------------------------------------

/** A creating client's whole part: fresh K, key schedule, encryption. */
export async function sealPayload(payload, code = null, K = randomBytes(KEY_LEN)) {
  const keys = await deriveKeys(K, code);
  const blob = await seal(encodePayload(payload), keys.encKey);
  return { K, code, blob, linkVerifier: keys.linkVerifier, authVerifier: keys.authVerifier };
}

/** Decrypt and decode a blob fetched from the server. */
export async function openBlob(blob, K, code = null, keys = null) {
  const k = keys || (await deriveKeys(K, code));
  return decodePayload(await unseal(blob, k.encKey));
}
