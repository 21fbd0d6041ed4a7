// The create page's result: the link, the code, the QR, the live receipt and "Burn now". Once the
// receipt says the secret is gone, the link and its QR stop looking usable. The receipt is read
// every 3 s while the page is looked at, less and less often while it is hidden, and no more once
// neither the secret nor any delivery can change.
import { announceOnce, showActivity } from "./activity.js";
import { nextPoll, secretEnded, worthPolling } from "./eventlog.js";
import { drawQr } from "./qr.js";
import { $, api, copyText, has, say, saying, show } from "./ui.js";

let manage = null; // {id, token} of the secret just made: page memory only, never a URL
let pollTimer = null;
let polling = false; // a read is on its way
let done = false; // nothing more can happen: no more reads
let hiddenRounds = 0;
let failures = 0;
let lastSaid = "";

export function showResult(link, code, created) {
  manage = { id: created.id, token: created.manage_token };
  show($("#result"), true);
  $("#result-link").value = link;
  show($("#result-code-box"), code !== null);
  $("#result-code").value = code || "";
  say($("#result-expires"), "expires", { time: { time: created.expires_at } });
  drawQr($("#qr"), link);
  $("#result-title").focus();
  pollReceipt();
}

/** [key, vars] of what the receipt says. */
function receiptSentence(receipt) {
  switch (receipt.state) {
    case "waiting":
      return ["receipt_waiting", {}];
    case "viewed": {
      const times = { times: receipt.viewed_at };
      if (receipt.views_left > 0) return ["receipt_viewed_left", { times, n: receipt.views_left }];
      return ["receipt_viewed", { times }];
    }
    default:
      return has(`receipt_${receipt.state}`) ? [`receipt_${receipt.state}`, {}] : ["receipt_unknown", {}];
  }
}

/** The link cannot open any more: strike it, dim the QR, say why, and stop offering to copy it. */
function markUsed(state) {
  const key = `link_used_${state}`;
  if (saying($("#link-used")) === key) return;
  say($("#link-used"), has(key) ? key : "link_used_viewed");
  show($("#link-used"), true);
  $("#result-link-box").classList.add("used");
  $("#qr-box").classList.add("used");
  for (const button of document.querySelectorAll("#result button.copy")) button.disabled = true;
  show($("#burn-confirm"), false);
}

function sayReceipt(key, vars) {
  // Only a change is written: the line is read again every few seconds.
  const said = JSON.stringify([key, vars]);
  if (said === lastSaid) return;
  lastSaid = said;
  say($("#receipt"), key, vars);
}

function schedule() {
  clearTimeout(pollTimer);
  const hidden = document.visibilityState === "hidden";
  hiddenRounds = hidden ? hiddenRounds + 1 : 0;
  pollTimer = setTimeout(pollReceipt, nextPoll({ hidden, hiddenRounds: hiddenRounds - 1, failures }));
}

async function pollReceipt() {
  clearTimeout(pollTimer);
  if (!manage || polling || done) return;
  polling = true;
  let answer;
  try {
    answer = await api("GET", `/api/v1/secrets/${manage.id}/receipt`, {
      headers: { Authorization: `Bearer ${manage.token}` },
    });
  } finally {
    polling = false;
  }
  const { status, body } = answer;
  const receipt = $("#receipt");
  if (status !== 200) {
    receipt.dataset.state = "unknown";
    if (saying(receipt) !== "receipt_unknown") announceOnce("receipt_unknown");
    sayReceipt("receipt_unknown", {});
    // A receipt that is gone or a token refused will not come back; anything else may.
    if ([401, 403, 404].includes(status)) done = true;
    else {
      failures += 1;
      schedule();
    }
    return;
  }
  failures = 0;
  receipt.dataset.state = body.state;
  const [key, vars] = receiptSentence(body);
  sayReceipt(key, vars);
  showActivity(body);
  const ended = secretEnded(body);
  if (ended) markUsed(body.state);
  show($("#burn"), !ended && $("#burn-confirm").hidden);
  done = !worthPolling(body);
  if (!done) schedule();
}

// A second, deliberate click: window.confirm would be answered by any bot or test that accepts dialogs.
function askBurn() {
  show($("#burn"), false);
  show($("#burn-confirm"), true);
  $("#burn-yes").focus();
}

function keepIt() {
  show($("#burn-confirm"), false);
  show($("#burn"), true);
  $("#burn").focus();
}

async function burn() {
  if (!manage) return;
  $("#burn-yes").disabled = true;
  try {
    await api("DELETE", `/api/v1/secrets/${manage.id}`, { headers: { Authorization: `Bearer ${manage.token}` } });
    show($("#burn-confirm"), false);
    done = false; // a burn is news even after the deliveries had settled
    await pollReceipt();
    $("#result-title").focus();
  } finally {
    $("#burn-yes").disabled = false;
  }
}

export function initResult() {
  for (const button of document.querySelectorAll("#result button.copy[data-copy]")) {
    button.addEventListener("click", () => copyText(button, $(`#${button.dataset.copy}`).value));
  }
  $("#burn").addEventListener("click", askBurn);
  $("#burn-cancel").addEventListener("click", keepIt);
  $("#burn-yes").addEventListener("click", burn);
  document.addEventListener("visibilitychange", () => {
    // Back on the page: look now rather than at the end of a long hidden wait.
    if (document.visibilityState === "visible" && manage && !done) pollReceipt();
  });
}
