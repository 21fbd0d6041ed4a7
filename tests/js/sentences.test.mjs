// static/js/sentences.js: every refusal of protocol.js that a page can meet has a sentence of its
// own in the catalogs, so none falls through to the generic one (or back to English).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as protocol from "../../static/js/protocol.js";
import * as request from "../../static/js/request.js";
import { Sentence, sentenceOf } from "../../static/js/sentences.js";

const english = JSON.parse(readFileSync(new URL("../../static/i18n/en.json", import.meta.url), "utf8"));

function refusal(action) {
  try {
    action();
  } catch (err) {
    return err;
  }
  throw new Error("no refusal");
}

async function asyncRefusal(action) {
  try {
    await action();
  } catch (err) {
    return err;
  }
  throw new Error("no refusal");
}

test("access code refusals, on the create and the reveal page", () => {
  assert.deepEqual(sentenceOf(refusal(() => protocol.normalizeCode("short"))), { key: "err_code_length", vars: { min: 8, max: 64 } });
  assert.deepEqual(sentenceOf(refusal(() => protocol.normalizeCode("x".repeat(65)))).key, "err_code_length");
  assert.equal(sentenceOf(refusal(() => protocol.normalizeCode("codé\u0000\u0001xxxxx"))).key, "err_code_ascii");
  assert.equal(sentenceOf(refusal(() => protocol.checkCreatorCode("\u216b\u216b\u216b"))).key, "err_code_chars");
});

test("a ciphertext or payload that does not open", async () => {
  const K = protocol.randomBytes(32);
  const other = protocol.randomBytes(32);
  const sealed = await protocol.sealPayload(protocol.makePayload({ text: "x" }), null, K);
  assert.equal(sentenceOf(await asyncRefusal(() => protocol.openBlob(sealed.blob, other))).key, "err_undecryptable");
  assert.equal(sentenceOf(await asyncRefusal(() => protocol.openBlob(new Uint8Array(4), K))).key, "err_undecryptable");
  assert.equal(sentenceOf(refusal(() => protocol.decodePayload(new TextEncoder().encode("[1]")))).key, "err_payload");
  assert.equal(sentenceOf(refusal(() => protocol.fileBytes({ name: "a", type: "", data: "***" }))).key, "err_payload");
});

test("an answer that does not open with the inbox key, on the inbox page", async () => {
  const keys = await request.newRequestKeys();
  const other = await request.newRequestKeys();
  const rid = "AAAAAAAAAAAAAAAAAAAAAA";
  const sealed = await request.sealAnswer(protocol.makePayload({ text: "x" }), other.Q, rid);
  assert.equal(sentenceOf(await asyncRefusal(() => request.openAnswer(sealed, keys, rid))).key, "err_answer_damaged");
  assert.equal(sentenceOf(await asyncRefusal(() => request.openAnswer(new Uint8Array(8), keys, rid))).key, "err_answer_damaged");
});

test("the page's own sentences pass through; anything else is the generic one", () => {
  assert.deepEqual(sentenceOf(new Sentence("err_busy")), { key: "err_busy", vars: {} });
  assert.deepEqual(sentenceOf(new Sentence("err_views", { max: 10 })), { key: "err_views", vars: { max: 10 } });
  assert.equal(sentenceOf(new TypeError("x is undefined")).key, "err_unexpected");
  assert.equal(sentenceOf(null).key, "err_unexpected");
});

test("every sentence it can name is in the catalogs", () => {
  for (const key of ["err_code_length", "err_code_ascii", "err_code_chars", "err_undecryptable", "err_payload", "err_answer_damaged",
    "err_unexpected"]) {
    assert.ok(key in english, key);
  }
  assert.deepEqual(english.err_code_length.match(/\{\w+\}/g), ["{min}", "{max}"]);
});
