// Errors the pages show, as keys of the catalog rather than finished English: a message is
// rendered in the reader's language, and again in another one if they switch.
//
// protocol.js and request.js (shared with the CLI's tests and the benchmarks) explain their refusals
// in English; sentenceOf() turns each one a page can meet into a key. tests/js/sentences.test.mjs
// provokes every one of them, so a reworded protocol message cannot fall through to the generic sentence.

/** An error whose message is the catalog's string `key` with `vars`. */
export class Sentence extends Error {
  constructor(key, vars = {}) {
    super(key);
    this.name = "Sentence";
    this.key = key;
    this.vars = vars;
  }
}

// [field, start of protocol.js's English message, key]; the first match wins.
const PROTOCOL = [
  ["access_code", "An access code must be", "err_code_length"],
  ["access_code", "An access code may use only printable ASCII", "err_code_ascii"],
  ["access_code", "Use letters, digits and punctuation", "err_code_chars"],
  ["ciphertext", "", "err_undecryptable"],
  ["payload", "", "err_payload"],
  ["files", "", "err_payload"],
  // request.js: an answer that does not open with the inbox key (the server has deleted it by then).
  ["answer", "", "err_answer_damaged"],
];

/** {key, vars} of the sentence for `err`: its own, a protocol refusal's, or the generic one. */
export function sentenceOf(err) {
  if (err instanceof Sentence) return { key: err.key, vars: err.vars };
  if (err && err.name === "ProtocolError") {
    for (const [field, start, key] of PROTOCOL) {
      if (err.field === field && String(err.message).startsWith(start)) {
        return { key, vars: key === "err_code_length" ? { min: 8, max: 64 } : {} };
      }
    }
  }
  return { key: "err_unexpected", vars: {} };
}
