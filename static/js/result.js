// The create page's result: the link, the code, the QR, the live receipt and "Burn now". Once the
// receipt says the secret is gone, the link and its QR stop looking usable.
import { drawQr } from "./qr.js";
import { $, api, copyText, has, say, show } from "./ui.js";

let manage = null; // {id, token} of the secret just made: page memory only, never a URL
let pollTimer = null;

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
  say($("#link-used"), has(key) ? key : "link_used_viewed");
  show($("#link-used"), true);
  $("#result-link-box").classList.add("used");
  $("#qr-box").classList.add("used");
  for (const button of document.querySelectorAll("#result button.copy")) button.disabled = true;
  show($("#burn-confirm"), false);
}

async function pollReceipt() {
  clearTimeout(pollTimer);
  if (!manage) return;
  const { status, body } = await api("GET", `/api/v1/secrets/${manage.id}/receipt`, {
    headers: { Authorization: `Bearer ${manage.token}` },
  });
  const receipt = $("#receipt");
  receipt.dataset.state = status === 200 ? body.state : "unknown";
  const [key, vars] = status === 200 ? receiptSentence(body) : ["receipt_unknown", {}];
  say(receipt, key, vars);
  const ended = status === 200 && (body.state !== "waiting" && !(body.state === "viewed" && body.views_left > 0));
  if (ended) markUsed(body.state);
  show($("#burn"), !ended && $("#burn-confirm").hidden);
  if (!ended) pollTimer = setTimeout(pollReceipt, 3000);
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
}
