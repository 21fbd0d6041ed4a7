// The answer page (/r/ID#Q): the person asked sees who asks (as this service's sign-in knows them)
// and the asker's note, checked against its MAC, and sends one answer, sealed here to the public key Q in the fragment (request.js). Loading the page
// only asks for the state and the note, which spends nothing; the answer leaves after a click or
// Enter on Send. Like the reveal page, the key may arrive later than the page (hashchange).
import { FieldError, clearErrorsOnEdit, clearFieldErrors, initFilePicker, showFormError } from "./fields.js";
import { initLanguageSwitch } from "./i18n.js";
import * as protocol from "./protocol.js";
import * as request from "./request.js";
import { hideVerified, showVerified } from "./sender.js";
import { Sentence } from "./sentences.js";
import { $, api, hasWebCrypto, say, show, unsay } from "./ui.js";

const intro = $("#intro");
const form = $("#answer-form");
const rid = intro.dataset.requestId;
const maxBlob = Number(intro.dataset.maxBlob);
// A sealed answer is the payload plus the sender's public key, an iv and a tag.
const overhead = Number(intro.dataset.overhead);
// base64 makes a file 4/3 larger inside the JSON payload; keep room for the framing.
const maxFile = Math.floor(((maxBlob - overhead - 512) * 3) / 4);
let target = null; // { Q, proof } while the link checks out and the request is open
let busy = false; // an answer is on its way: the key it uses must not change under it
let done = false; // sent: no later key changes anything
let checks = 0; // only the latest key's check may change the page

function only(section) {
  for (const node of [intro, $("#gone"), $("#broken"), $("#answered"), $("#tampered"), $("#sent")]) {
    show(node, node === section);
  }
}

/** Show `section` instead of the form: the key leaves the address bar, as nothing can be sent with it. */
function end(section) {
  target = null;
  only(section);
  history.replaceState(null, "", location.pathname);
}

function kind() {
  return form.querySelector("input[name=kind]:checked").value;
}

function selectKind() {
  for (const panel of form.querySelectorAll(".kind-panel")) show(panel, panel.dataset.kind === kind());
}

async function buildPayload() {
  if (kind() === "file") {
    const file = $("#file").files[0];
    if (!file) throw new FieldError("file", "err_file_missing");
    if (file.size > maxFile) throw new FieldError("file", "err_file_too_big", { size: { bytes: maxFile } });
    const bytes = new Uint8Array(await file.arrayBuffer());
    return protocol.makePayload({ kind: "file", files: [protocol.fileEntry(file.name, file.type, bytes)] });
  }
  const text = $("#text").value;
  if (!text.trim()) throw new FieldError("text", "err_empty");
  return protocol.makePayload({ kind: "text", text });
}

/** Refuse here what the server would refuse (413), with the limit this page was given. */
function checkSize(payload) {
  if (protocol.encodePayload(payload).length + overhead <= maxBlob) return;
  if (kind() === "file") throw new FieldError("file", "err_file_too_big", { size: { bytes: maxFile } });
  throw new FieldError("text", "err_too_big", { size: { bytes: maxBlob } });
}

function apiError(status, body) {
  if (status === 0) return new Sentence("err_network");
  if (status === 429 || status === 503) return new Sentence("err_busy");
  if (status === 413) return new Sentence("err_too_big", { size: { bytes: maxBlob } });
  // The detail comes in the page's language: api() asks for it (Accept-Language).
  return new Sentence("err_server", { detail: (body && body.detail) || String(status) });
}

async function send(event) {
  event.preventDefault();
  if (!target || busy || done) return;
  const button = $("#send");
  unsay($("#form-error"));
  clearFieldErrors(form);
  busy = true;
  try {
    const payload = await buildPayload();
    checkSize(payload);
    button.disabled = true;
    say(button, "working");
    const sealed = await request.sealAnswer(payload, target.Q, rid);
    const { status, body } = await api("POST", `/api/v1/requests/${rid}/answer`, {
      json: { answer: target.proof, ciphertext: protocol.b64uEncode(sealed) },
    });
    if (status === 204) {
      done = true;
      form.reset();
      end($("#sent"));
      $("#sent-title").focus();
      return;
    }
    if (status === 409) return end($("#answered"));
    if (status === 404) return end($("#gone"));
    throw apiError(status, body);
  } catch (err) {
    showFormError(err);
  } finally {
    busy = false;
    say(button, "answer_submit");
    button.disabled = !target;
  }
}

/** True when the note is the asker's own: no note at all, or one whose MAC holds under Q. */
async function noteHolds(Q, view) {
  if (view.note === null && view.note_mac === null) return true;
  try {
    await request.verifyNote(Q, rid, view.note, protocol.b64uDecode(view.note_mac, { length: 32 }));
    return true;
  } catch {
    return false;
  }
}

function showNote(note) {
  $("#note").textContent = note ?? "";
  show($("#note-box"), note !== null);
  show($("#no-note"), note === null);
}

/** Read Q from the fragment and ask (spending nothing) for the request's state and note. */
async function takeLink() {
  if (busy || done) return;
  const check = ++checks;
  target = null;
  $("#send").disabled = true;
  let link;
  try {
    link = await request.parseRequestLink(location.href);
  } catch {
    if (check === checks) only($("#broken"));
    return;
  }
  if (check !== checks) return;
  only(intro);
  hideVerified(); // what an earlier key's link said does not hold for this one
  say($("#meta"), "reveal_checking");
  const proof = protocol.b64uEncode(await request.answerProof(link.Q));
  const { status, body } = await api("GET", `/api/v1/requests/${rid}`, { headers: { "X-Burnlink-Answer": proof } });
  if (check !== checks) return; // a newer key arrived meanwhile
  if (status === 404) return end($("#gone"));
  if (status !== 200) {
    say($("#meta"), status === 0 ? "err_network" : "err_busy");
    return;
  }
  if (body.state !== "open") return end($("#answered"));
  // A note the server changed is refused before anything can be sent (as `burnlink respond` does).
  const holds = await noteHolds(link.Q, body);
  if (check !== checks) return;
  if (!holds) return end($("#tampered"));
  // Who asks, as this service's sign-in knows them, before anything can be typed (as `burnlink respond` says first).
  showVerified(body.requester, "requester");
  showNote(body.note);
  say($("#meta"), "reveal_expires", { time: { time: body.expires_at } });
  target = { Q: link.Q, proof };
  $("#send").disabled = false;
}

function init() {
  initLanguageSwitch();
  if (!hasWebCrypto()) {
    show(intro, false);
    show($("#nocrypto"), true);
    return;
  }
  say($("#file-limit"), "file_limit", { size: { bytes: maxFile } });
  for (const radio of form.querySelectorAll("input[name=kind]")) radio.addEventListener("change", selectKind);
  selectKind();
  initFilePicker();
  clearErrorsOnEdit(form);
  form.addEventListener("submit", send);
  window.addEventListener("hashchange", takeLink);
  takeLink();
}

init();
