// burnlink protocol, version 1, for the browser (and Node 20): WebCrypto only, no dependencies.
// The one JavaScript implementation of shared/PROTOCOL.md; held to tests/vectors.json like
// app/protocol.py, which it mirrors name for name (snake_case there, camelCase here).
//
// Exports (the interface the pages rely on):
//   VERSION, ProtocolError, b64uEncode, b64uDecode, randomBytes, generateCode, normalizeCode,
//   deriveKeys, linkProof, makePayload, fileEntry, fileBytes, encodePayload, decodePayload,
//   seal, unseal, makeLink, parseLink, sealPayload, openBlob
// Extra exports, beyond that interface:
//   codeKey(K, code)        the PBKDF2 step alone (bench/run.py times it in a real browser)
//   checkCreatorCode(code)  normalizeCode plus the characters every client maps alike (create page)
//   validatePayload(obj)    the shape check encodePayload/decodePayload run, for callers that
//                           build a payload by hand and want the error before any crypto work
// Primitives static/js/request.js builds on (so it copies none of them):
//   subtle()                crypto.subtle, or a ProtocolError saying the page needs HTTPS
//   asBytes, exactBytes     byte-input checks that throw ProtocolError naming the field
//   hkdf(ikm, info)         HKDF-SHA256, empty salt, 32 bytes
//   sha256(bytes)           SHA-256 digest;  concat(...parts)  joined Uint8Arrays
//
// Every bad input throws ProtocolError with a sentence a person can read. Nothing here logs:
// keys, codes and plaintexts only ever live in the values returned to the caller.

export const VERSION = 1;
const KEY_LEN = 32;
const ID_LEN = 16;
const IV_LEN = 12;
const TAG_LEN = 16;
const MIN_BLOB = IV_LEN + TAG_LEN;
const PBKDF2_ITERATIONS = 600000;
const CODE_MIN = 8;
const CODE_MAX = 64;
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const utf8 = new TextEncoder();
const AAD = utf8.encode("burnlink/v1");
const INFO = {
  link: utf8.encode("burnlink/v1/link"),
  enc: utf8.encode("burnlink/v1/enc"),
  auth: utf8.encode("burnlink/v1/auth"),
};
const EMPTY = new Uint8Array(0);

/** A protocol rule was broken; `message` is a sentence for a person, `field` names the input. */
export class ProtocolError extends Error {
  constructor(message, field = null) {
    super(message);
    this.name = "ProtocolError";
    this.code = "invalid_field"; // the API's problem code for the same mistake
    this.field = field;
  }
}

export function subtle() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  // crypto.subtle exists only in secure contexts; say so instead of failing with a TypeError.
  if (!s) throw new ProtocolError("This browser offers no WebCrypto here (the page needs HTTPS or localhost).");
  return s;
}

/**
 * Accept the byte containers callers actually have (Uint8Array, incl. Node's Buffer, other
 * typed-array views, ArrayBuffer) as a Uint8Array view without copying; anything else
 * (a string, an Array, null) is a bug in the caller and gets a clear error, not garbage bytes.
 */
export function asBytes(value, what, field = null) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new ProtocolError(`${what} must be bytes (a Uint8Array).`, field);
}

export function exactBytes(value, length, what, field) {
  const bytes = asBytes(value, what, field);
  if (bytes.length !== length) throw new ProtocolError(`${what} must be ${length} bytes.`, field);
  return bytes;
}

/** `n` bytes from the platform CSPRNG (crypto.getRandomValues). */
export function randomBytes(n) {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProtocolError("A byte count must be a whole number of at least 0.");
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

// --- base64 (url-safe for the protocol, standard for files[].data) ---------------------------

const B64_STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_URL = B64_STD.slice(0, 62) + "-_";

function valueTable(alphabet) {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) values[alphabet.charCodeAt(i)] = i;
  return values;
}
const VALUES_STD = valueTable(B64_STD);
const VALUES_URL = valueTable(B64_URL);

function encodeBase64(bytes, alphabet, pad) {
  // Build 4,096-symbol slices and join them: no giant argument list (fromCharCode(...array) would
  // overflow the stack on a 1 MiB file) and no quadratic string growth.
  const parts = [];
  let slice = [];
  const full = bytes.length - (bytes.length % 3);
  for (let i = 0; i < full; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    slice.push(alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], alphabet[n & 63]);
    if (slice.length >= 4096) {
      parts.push(slice.join(""));
      slice = [];
    }
  }
  const rest = bytes.length - full;
  if (rest === 1) {
    const n = bytes[full] << 16;
    slice.push(alphabet[n >> 18], alphabet[(n >> 12) & 63], pad ? "==" : "");
  } else if (rest === 2) {
    const n = (bytes[full] << 16) | (bytes[full + 1] << 8);
    slice.push(alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], pad ? "=" : "");
  }
  parts.push(slice.join(""));
  return parts.join("");
}

/**
 * Decode unpadded base64 symbols strictly, or return null: any symbol outside the table
 * (padding, white space, the other alphabet, non-ASCII), a length ≡ 1 (mod 4), or non-zero
 * trailing bits. The last one matters because "AB" and "AA" would otherwise both decode to 0x00:
 * one value, one spelling.
 */
function decodeBase64(text, values) {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0; // only the low `bits` bits are pending; higher ones are already written out
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? values[c] : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xfff; // 12 bits hold the at most 6 + 6 bits in flight
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = acc >> bits;
      acc &= (1 << bits) - 1;
    }
  }
  if (acc !== 0) return null; // the 2 or 4 spare bits of the last symbol must be zero
  return out;
}

/** Bytes as base64url without padding (RFC 4648 §5). */
export function b64uEncode(bytes) {
  return encodeBase64(asBytes(bytes, "The value to encode"), B64_URL, false);
}

/**
 * Strict base64url decoding (PROTOCOL.md "Names and encodings"): no padding, no white space,
 * only A–Z a–z 0–9 - _, no length ≡ 1 (mod 4), canonical trailing bits.
 * `length` demands an exact decoded size, `minLength` a smallest one; `field` names the input
 * in the error. Throws ProtocolError.
 */
export function b64uDecode(text, { length, minLength, field } = {}) {
  const name = field ? field[0].toUpperCase() + field.slice(1) : "The value"; // a sentence starts with a capital
  const bytes = typeof text === "string" ? decodeBase64(text, VALUES_URL) : null;
  if (bytes === null) throw new ProtocolError(`${name} must be base64url without padding.`, field ?? null);
  if (length !== undefined && bytes.length !== length) {
    throw new ProtocolError(`${name} must decode to ${length} bytes.`, field ?? null);
  }
  if (minLength !== undefined && bytes.length < minLength) {
    throw new ProtocolError(`${name} must decode to at least ${minLength} bytes.`, field ?? null);
  }
  return bytes;
}

// Standard base64 with padding (RFC 4648 §4) for files[].data: a length that is a multiple of 4,
// at most two '=' and only at the end, canonical trailing bits.
function b64Decode(text) {
  if (typeof text !== "string" || text.length % 4 !== 0) return null;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return decodeBase64(text.slice(0, text.length - padding), VALUES_STD);
}

// --- access codes -----------------------------------------------------------------------------

/** A fresh access code: ten Crockford base32 symbols (50 bits) shown as "XXXXX-XXXXX". */
export function generateCode() {
  const bytes = randomBytes(10);
  let out = "";
  for (let i = 0; i < 10; i++) {
    // The low 5 bits of a fresh byte: 256 is a multiple of 32, so every symbol is equally likely
    // (no modulo bias), and no bits are shared between symbols.
    out += CROCKFORD[bytes[i] & 31];
    if (i === 4) out += "-";
  }
  return out;
}

// U+0009–U+000D, space, hyphen-minus, U+2010–U+2015 and U+2212: what people, phones and word
// processors put between the groups of a code that is read aloud or pasted.
const CODE_STRIP = /[\t\n\v\f\r \-\u2010-\u2015\u2212]/g;

/**
 * Normalize an access code exactly as PROTOCOL.md says (NFKC, strip separators, toUpperCase,
 * O→0, I/L→1) and check it is 8 to 64 printable ASCII characters; throws ProtocolError.
 */
export function normalizeCode(code) {
  if (typeof code !== "string") throw new ProtocolError("An access code must be text.", "access_code");
  const text = code
    .normalize("NFKC")
    .replace(CODE_STRIP, "")
    .toUpperCase() // locale-independent on purpose: a Turkish locale must not change the key
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  // Count code points like Python's len(), so both ends give the same message for the same input.
  const count = Array.from(text).length;
  if (count < CODE_MIN || count > CODE_MAX) {
    throw new ProtocolError(
      `An access code must be ${CODE_MIN} to ${CODE_MAX} characters (not counting spaces and dashes).`,
      "access_code",
    );
  }
  if (!/^[\x21-\x7e]+$/.test(text)) {
    throw new ProtocolError("An access code may use only printable ASCII characters.", "access_code");
  }
  return text;
}

// A creator's own code must read the same in every client. NFKC and upper-casing follow each
// runtime's Unicode tables (Python 3.11 has Unicode 14, browsers newer ones), so the creating
// page accepts only characters whose mapping no Unicode update has changed: printable ASCII,
// white space, Latin-1 and Latin Extended-A (ß, ſ, ı …), the dashes PROTOCOL.md strips, the
// ideographic space and the full-width ASCII forms. A recipient's input is never restricted.
const STABLE_CODE_CHARS = /^[\t\n\v\f\r\x20-\x7e\u00a0-\u017f\u2010-\u2015\u2212\u3000\uff01-\uff5e]*$/;

/** Check a code a creator typed: normalizeCode's rules plus characters every client maps alike. */
export function checkCreatorCode(code) {
  const normalized = normalizeCode(code);
  if (!STABLE_CODE_CHARS.test(String(code))) {
    throw new ProtocolError(
      "Use letters, digits and punctuation for your own code: some characters are not read the same way by every client.",
      "access_code",
    );
  }
  return normalized;
}

// --- key schedule -------------------------------------------------------------------------------

export async function hkdf(ikm, info) {
  const key = await subtle().importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  // A zero-length salt is what PROTOCOL.md says; RFC 5869 makes it equal to HashLen zero bytes,
  // which is what Python's HKDF(salt=None) uses, so both ends agree.
  const bits = await subtle().deriveBits({ name: "HKDF", hash: "SHA-256", salt: EMPTY, info }, key, 256);
  return new Uint8Array(bits);
}

export async function sha256(bytes) {
  return new Uint8Array(await subtle().digest("SHA-256", bytes));
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function fragmentKey(K) {
  return exactBytes(K, KEY_LEN, "The fragment key", "key");
}

/**
 * `ck` = PBKDF2-HMAC-SHA256(ASCII(normalize(code)), salt K, 600000 iterations, 32 bytes), or
 * empty bytes when `code` is null/undefined. An empty string is a (too short) code, not "none".
 */
export async function codeKey(K, code) {
  K = fragmentKey(K);
  if (code === null || code === undefined) return new Uint8Array(0);
  const password = utf8.encode(normalizeCode(code)); // ASCII after normalization, so UTF-8 = ASCII
  const key = await subtle().importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  const bits = await subtle().deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: K, iterations: PBKDF2_ITERATIONS },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/** `link` = HKDF(K, "burnlink/v1/link"): proves the reader holds the fragment key (cheap, no PBKDF2). */
export async function linkProof(K) {
  return hkdf(fragmentKey(K), INFO.link);
}

/**
 * Run the whole key schedule for fragment key `K` (32 bytes) and the access code as typed
 * (normalized here) or null. Resolves to Uint8Arrays
 * `{ ck, link, encKey, auth, linkVerifier, authVerifier }`.
 */
export async function deriveKeys(K, code = null) {
  K = fragmentKey(K);
  const ck = await codeKey(K, code);
  const ikm = concat(K, ck);
  const [link, encKey, auth] = await Promise.all([hkdf(K, INFO.link), hkdf(ikm, INFO.enc), hkdf(ikm, INFO.auth)]);
  const [linkVerifier, authVerifier] = await Promise.all([sha256(link), sha256(auth)]);
  return { ck, link, encKey, auth, linkVerifier, authVerifier };
}

// --- payload and ciphertext --------------------------------------------------------------------

/** Build a version-1 payload object, leaving absent members out (never null or empty). */
export function makePayload({ kind = "text", text, fields, files } = {}) {
  const payload = { v: VERSION, kind };
  if (text !== undefined && text !== null) payload.text = text;
  if (fields && Object.keys(fields).length) payload.fields = { ...fields };
  if (files && files.length) payload.files = [...files];
  return payload;
}

/** One files[] member `{name, type, data}`; `data` is standard base64 with padding. */
export function fileEntry(name, type, bytes) {
  if (typeof name !== "string") throw new ProtocolError("A file needs a name.", "files");
  if (type !== undefined && type !== null && typeof type !== "string") {
    throw new ProtocolError("A file's type must be text.", "files");
  }
  // Browsers report "" for a type they do not know; the contract wants a real media type.
  return { name, type: type || "application/octet-stream", data: encodeBase64(asBytes(bytes, "A file's content", "files"), B64_STD, true) };
}

/** The bytes of one files[] member (strict standard base64); throws ProtocolError. */
export function fileBytes(entry) {
  const bytes = b64Decode(entry && typeof entry === "object" ? entry.data : undefined);
  if (bytes === null) throw new ProtocolError("A file in the payload has invalid base64 data.", "files");
  return bytes;
}

const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
const isPlainObject = (x) => x !== null && typeof x === "object" && !Array.isArray(x);

/** Throw ProtocolError unless `payload` has the version-1 shape (same checks as app/protocol.py). */
export function validatePayload(payload) {
  const bad = (why) => new ProtocolError(`Invalid payload: ${why}.`, "payload");
  if (!isPlainObject(payload)) throw bad("not an object");
  if (payload.v !== VERSION) throw bad("unsupported version");
  if (typeof payload.kind !== "string" || !payload.kind) throw bad("kind must be a non-empty string");
  // A member that is present must have its type: `null` is refused (absent members are left out),
  // as Python refuses it; `undefined` counts as absent since JSON.stringify drops it anyway.
  if (has(payload, "text") && payload.text !== undefined && typeof payload.text !== "string") {
    throw bad("text must be a string");
  }
  if (has(payload, "fields") && payload.fields !== undefined) {
    const fields = payload.fields;
    if (!isPlainObject(fields) || !Object.values(fields).every((value) => typeof value === "string")) {
      throw bad("fields must map names to strings");
    }
  }
  if (has(payload, "files") && payload.files !== undefined) {
    if (!Array.isArray(payload.files)) throw bad("files must be a list");
    for (const f of payload.files) {
      if (!isPlainObject(f) || !["name", "type", "data"].every((m) => typeof f[m] === "string")) {
        throw bad("each file needs a name, a type and data");
      }
    }
  }
}

/** The plaintext of a payload: UTF-8 (no BOM) of its compact JSON. Validates first. */
export function encodePayload(payload) {
  validatePayload(payload);
  return utf8.encode(JSON.stringify(payload));
}

/**
 * Parse a plaintext strictly: fatal UTF-8 (a broken byte is an error, not U+FFFD), no BOM, JSON,
 * then the version-1 shape. Throws ProtocolError.
 */
export function decodePayload(bytes) {
  const data = asBytes(bytes, "The payload", "payload");
  let payload;
  try {
    // ignoreBOM: true keeps a leading U+FEFF in the text so JSON.parse refuses it, as Python's
    // json.loads does: the contract says "no BOM", and both ends must refuse the same bytes.
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(data));
  } catch {
    throw new ProtocolError("The secret's payload is not valid UTF-8 JSON.", "payload");
  }
  validatePayload(payload);
  return payload;
}

async function aesKey(encKey, usage) {
  // Checked here because importKey would silently take 16 or 24 bytes as AES-128/192.
  return subtle().importKey("raw", exactBytes(encKey, KEY_LEN, "The encryption key", "key"), "AES-GCM", false, [usage]);
}

/**
 * `blob = iv || AES-256-GCM(encKey, iv, plaintext, aad "burnlink/v1")` (ciphertext with its
 * 16-byte tag). `iv` is 12 fresh random bytes unless given (tests pass a fixed one).
 */
export async function seal(plaintext, encKey, iv = null) {
  const data = asBytes(plaintext, "The plaintext", "payload");
  const nonce = iv === null || iv === undefined ? randomBytes(IV_LEN) : exactBytes(iv, IV_LEN, "The iv", "iv");
  const key = await aesKey(encKey, "encrypt");
  const sealed = await subtle().encrypt({ name: "AES-GCM", iv: nonce, additionalData: AAD, tagLength: 128 }, key, data);
  return concat(nonce, new Uint8Array(sealed));
}

/** Open a blob; throws ProtocolError if it is too short or was not sealed with `encKey`. */
export async function unseal(blob, encKey) {
  const data = asBytes(blob, "The ciphertext", "ciphertext");
  if (data.length < MIN_BLOB) throw new ProtocolError("The ciphertext is too short.", "ciphertext");
  const key = await aesKey(encKey, "decrypt");
  try {
    const plain = await subtle().decrypt(
      { name: "AES-GCM", iv: data.subarray(0, IV_LEN), additionalData: AAD, tagLength: 128 },
      key,
      data.subarray(IV_LEN),
    );
    return new Uint8Array(plain);
  } catch {
    // One message for a wrong key, a wrong code and a damaged blob: GCM cannot tell them apart.
    throw new ProtocolError("The ciphertext does not open with these keys.", "ciphertext");
  }
}

// --- links -----------------------------------------------------------------------------------

/** The link `{baseUrl}/s/{id}#{b64u(K)}` (trailing slashes of `baseUrl` dropped). */
export function makeLink(baseUrl, id, K) {
  if (typeof baseUrl !== "string") throw new ProtocolError("The server address must be text.", "url");
  if (typeof id !== "string") throw new ProtocolError("The secret id must be text.", "id");
  b64uDecode(id, { length: ID_LEN, field: "id" });
  return `${baseUrl.replace(/\/+$/, "")}/s/${id}#${b64uEncode(fragmentKey(K))}`;
}

/**
 * Split a burnlink link into `{ baseUrl, id, K }` strictly: http(s) only, `/s/{22-char id}`
 * (an optional trailing slash, any path prefix), and a fragment that decodes to 32 bytes.
 * The URL is parsed the way a browser would navigate it (WHATWG URL). Throws ProtocolError.
 */
export function parseLink(url) {
  const notLink = () => new ProtocolError("This is not a burnlink link (expected https://host/s/ID#KEY).", "url");
  if (typeof url !== "string") throw notLink();
  let parsed;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw notLink();
  }
  const match = /^(.*)\/s\/([A-Za-z0-9_-]+)\/?$/.exec(parsed.pathname);
  if (!(parsed.protocol === "http:" || parsed.protocol === "https:") || !parsed.host || !match) throw notLink();
  if (parsed.username || parsed.password) {
    // "https://burnlink.example@evil.example/s/…" reads like burnlink but goes to evil.example.
    throw new ProtocolError("This link names a user before its server (user@host); burnlink links never do.", "url");
  }
  try {
    b64uDecode(match[2], { length: ID_LEN, field: "id" });
  } catch {
    throw new ProtocolError("This link's id is damaged or cut short (expected 22 characters after /s/).", "url");
  }
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

/**
 * A creating client's whole part: fresh K (unless given), key schedule, encryption.
 * Resolves to `{ K, code, blob, linkVerifier, authVerifier }`; K and code stay with the caller.
 */
export async function sealPayload(payload, code = null, K = null) {
  const plaintext = encodePayload(payload); // a bad payload fails before 600,000 PBKDF2 rounds
  const key = K === null || K === undefined ? randomBytes(KEY_LEN) : fragmentKey(K);
  const keys = await deriveKeys(key, code);
  const blob = await seal(plaintext, keys.encKey);
  return { K: key, code, blob, linkVerifier: keys.linkVerifier, authVerifier: keys.authVerifier };
}

/**
 * Decrypt and decode a blob fetched from the server. Pass `keys` from an earlier deriveKeys
 * call (the reveal page already has them for the auth proof) to skip a second PBKDF2.
 */
export async function openBlob(blob, K, code = null, keys = null) {
  const k = keys || (await deriveKeys(K, code));
  return decodePayload(await unseal(blob, k.encKey));
}
