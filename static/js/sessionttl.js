// Temporary credentials and the link's lifetime: a link that outlives what it carries hands over
// only a key that no longer works, so while the creator shares an aws-session whose expiration is
// readable, the expiry choice stops at the credentials' own (as `burnlink send` caps --ttl) and
// the page says so under the choice. Expired credentials are refused before anything is sent.
import { FieldError, describedBy } from "./fields.js";
import { parseExpiration } from "./kinds.js";
import { $, say, show, unsay } from "./ui.js";

const UNTIL = "credentials"; // the value of the choice "when the credentials expire"
let chosenBefore = null; // the creator's choice that the cap replaced, given back when it goes

function active() {
  return document.querySelector("input[name=kind]:checked")?.value === "aws-session";
}

/** The credentials' expiry as a Date, when the session panel is in use and it can be read. */
function expiry() {
  return active() ? parseExpiration($("#sess_expiration").value.trim()) : null;
}

function setNote(key, vars) {
  const note = $("#ttl-note");
  if (key) say(note, key, vars);
  else unsay(note);
  show(note, Boolean(key));
  describedBy($("#ttl"), "ttl-note", Boolean(key));
}

/** Fit the expiry choice to the credentials in the session panel (or give it back as it was). */
export function fitTtl() {
  const select = $("#ttl");
  const capped = select.querySelector(`option[value="${UNTIL}"]`);
  const wasCapped = capped !== null && capped.selected;
  capped?.remove();
  for (const option of select.options) option.disabled = false;
  const when = expiry();
  const left = when ? (when.getTime() - Date.now()) / 1000 : null;
  if (left === null || left <= 0) {
    if (wasCapped) select.value = chosenBefore ?? select.dataset.default;
    // Credentials typed in without an expiration: their lifetime is unknown here, so is the cap.
    const open = active() && $("#sess_access_key_id").value.trim() !== "" && $("#sess_expiration").value.trim() === "";
    if (left !== null) setNote("ttl_session_expired", { time: { time: when.toISOString() }, ago: { ago: when.toISOString() } });
    else setNote(open ? "ttl_session_open" : null);
    return;
  }
  const iso = when.toISOString();
  const longer = [...select.options].filter((option) => Number(option.value) > left);
  if (longer.length) {
    const until = new Option("", UNTIL);
    say(until, "ttl_until_expiry", { time: { time: iso } });
    select.prepend(until);
    const current = select.value;
    for (const option of longer) option.disabled = true;
    if (wasCapped || longer.some((option) => option.value === current)) {
      if (!wasCapped) chosenBefore = current;
      until.selected = true;
    }
  }
  setNote("ttl_capped", { time: { time: iso }, ago: { ago: iso } });
}

/**
 * The link's lifetime in seconds as the creator chose it, capped at the credentials' expiry; a
 * FieldError for a choice this page did not offer or credentials that expire too soon.
 */
export function ttlSeconds() {
  const section = $("#create");
  const offered = section.dataset.ttls.split(",").map(Number);
  const chosen = $("#ttl").value;
  const when = expiry();
  if (when) {
    const left = Math.floor((when.getTime() - Date.now()) / 1000);
    const iso = when.toISOString();
    if (left <= 0) throw new FieldError("sess_expiration", "err_session_expired", { time: { time: iso }, ago: { ago: iso } });
    if (left < Number(section.dataset.ttlMin)) {
      throw new FieldError("sess_expiration", "err_session_too_soon", { time: { time: iso }, ago: { ago: iso } });
    }
    if (chosen === UNTIL) return Math.min(left, Math.max(...offered));
    if (offered.includes(Number(chosen))) return Math.min(left, Number(chosen));
  } else if (offered.includes(Number(chosen))) {
    return Number(chosen);
  }
  throw new FieldError("ttl", "err_ttl");
}

export function initSessionTtl() {
  $("#ttl").dataset.default = $("#ttl").value;
  $("#ttl").addEventListener("change", () => {
    chosenBefore = null; // the creator chose: nothing to give back later
  });
  for (const radio of document.querySelectorAll("input[name=kind]")) radio.addEventListener("change", fitTtl);
  $("#sess_expiration").addEventListener("input", fitTtl);
  $("#sess_access_key_id").addEventListener("input", fitTtl);
  fitTtl();
}
