// The inbox page (/r/ID/inbox#d||Q): the asker's side of a request. On load it only asks whether an
// answer waits, which reads nothing; the answer is fetched (and so deleted on the server), opened
// here with the private key in the fragment and shown like a revealed secret only after a click or
// Enter on Read. The key leaves the address bar once nothing is left to read with it.
import { initLanguageSwitch } from "./i18n.js";
import * as protocol from "./protocol.js";
import { render } from "./render.js";
import * as request from "./request.js";
import { sentenceOf } from "./sentences.js";
import { $, api, hasWebCrypto, say, show, unsay } from "./ui.js";

const intro = $("#intro");
const rid = intro.dataset.requestId;
// Why there is nothing to read, by the state the server reports.
const ENDED = { read: "inbox_state_read", expired: "inbox_state_expired", burned: "inbox_state_burned" };
let inbox = null; // { keys, proof } while the link checks out
let busy = false; // a read is on its way
let done = false; // read: no later key changes anything
let checks = 0; // only the latest check may change the page

function only(section) {
  for (const node of [intro, $("#gone"), $("#broken"), $("#ended")]) show(node, node === section);
}

/** The key leaves the address bar: there is nothing (left) to read with it. */
function forget() {
  inbox = null;
  history.replaceState(null, "", location.pathname);
}

function ended(state) {
  forget();
  say($("#ended-body"), ENDED[state] || "inbox_state_expired");
  only($("#ended"));
}

function showState(body) {
  const answered = body.state === "answered";
  show($("#read"), answered);
  $("#read").disabled = !answered;
  show($("#check"), !answered);
  if (answered) say($("#meta"), "inbox_answered", { time: { time: body.answered_at }, expires: { time: body.expires_at } });
  else say($("#meta"), "inbox_waiting", { time: { time: body.expires_at } });
}

/** Read the key pair from the fragment and ask (reading nothing) whether an answer waits. */
async function check() {
  if (busy || done) return;
  const mine = ++checks;
  inbox = null;
  $("#read").disabled = true;
  unsay($("#inbox-error"));
  let link;
  try {
    link = await request.parseInboxLink(location.href);
  } catch {
    if (mine === checks) only($("#broken"));
    return;
  }
  if (mine !== checks) return;
  only(intro);
  say($("#meta"), "reveal_checking");
  const proof = protocol.b64uEncode(await request.inboxProof(link.keys.d));
  const { status, body } = await api("GET", `/api/v1/requests/${rid}/inbox`, { headers: { "X-Burnlink-Inbox": proof } });
  if (mine !== checks) return; // a newer key arrived meanwhile
  if (status === 404) {
    forget();
    only($("#gone"));
    return;
  }
  if (status !== 200) {
    say($("#meta"), status === 0 ? "err_network" : "err_busy");
    show($("#check"), true);
    return;
  }
  if (body.state !== "open" && body.state !== "answered") return ended(body.state);
  inbox = { keys: link.keys, proof };
  showState(body);
}

async function read() {
  if (!inbox || busy || done) return;
  const button = $("#read");
  const error = $("#inbox-error");
  unsay(error);
  button.disabled = true;
  say(button, "revealing");
  busy = true;
  let again = false;
  try {
    const { status, body } = await api("POST", `/api/v1/requests/${rid}/inbox`, { json: { inbox: inbox.proof } });
    if (status === 404) {
      again = true; // read elsewhere, or expired meanwhile: the state says which
      return;
    }
    if (status !== 200) {
      say(error, status === 0 ? "err_network" : "err_busy");
      return;
    }
    const { keys } = inbox;
    // From here on the server has deleted the answer: whatever happens, this page is the only copy.
    done = true;
    forget();
    const payload = await request.openAnswer(protocol.b64uDecode(body.ciphertext), keys, rid);
    show(intro, false);
    say($("#secret-status"), render(payload));
    show($("#secret"), true);
    $("#secret-title").focus();
  } catch (err) {
    const { key, vars } = sentenceOf(err);
    say(error, key, vars);
  } finally {
    busy = false;
    say(button, "inbox_read");
    button.disabled = !inbox;
    if (again) check();
  }
}

function init() {
  initLanguageSwitch();
  if (!hasWebCrypto()) {
    show(intro, false);
    show($("#nocrypto"), true);
    return;
  }
  $("#read").addEventListener("click", read);
  $("#check").addEventListener("click", check);
  window.addEventListener("hashchange", check);
  check();
}

init();
