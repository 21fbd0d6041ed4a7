// The AWS panels of the create page, an access key and temporary credentials: fill them from what
// an admin has in hand (the JSON of `aws iam create-access-key`, the console's credentials CSV,
// the JSON of `aws sts assume-role` or `get-session-token`, export lines) and warn about odd
// shapes. Whichever panel the text is pasted into, it lands in the panel of its kind, as
// `burnlink send` decides. A warning never changes a value: the secret is sent as typed.
import { parseAwsSession } from "./awssession.js";
import { describedBy } from "./fields.js";
import { awsFieldOk, parseAwsCredentials } from "./kinds.js";
import { $, say, saying, show, t, unsay } from "./ui.js";

// Each panel: the prefix of its fields' ids, the fields with a shape, its paste box and status line.
const PANELS = {
  "aws-access-key": { prefix: "", checked: ["access_key_id", "secret_access_key", "region"], paste: "#aws-paste",
    status: "#aws-paste-status", note: "#aws_note", unknown: "aws_paste_unknown" },
  "aws-session": { prefix: "sess_", checked: ["access_key_id", "secret_access_key", "session_token", "expiration", "region"],
    paste: "#sess-paste", status: "#sess-paste-status", note: "#sess_note", unknown: "session_paste_unknown" },
};

function field(panel, name) {
  return $(`#${panel.prefix}${name}`);
}

function checkFormat(panel) {
  for (const name of panel.checked) {
    const input = field(panel, name);
    const value = input.value.trim();
    const odd = value !== "" && !awsFieldOk(name, value);
    show($(`#warn-${input.id}`), odd);
    describedBy(input, `warn-${input.id}`, odd);
  }
}

/** What `text` holds: temporary credentials first (they also carry a key pair), then an access key. */
function recognise(text) {
  const session = parseAwsSession(text);
  if (session) return { kind: "aws-session", source: session.source, fields: session.fields, leftOut: [] };
  const key = parseAwsCredentials(text);
  return key ? { kind: "aws-access-key", ...key } : null;
}

function switchTo(kind) {
  const radio = document.querySelector(`input[name=kind][value="${kind}"]`);
  if (radio.checked) return false;
  radio.checked = true;
  radio.dispatchEvent(new Event("change", { bubbles: true }));
  return true;
}

function fill(found) {
  const panel = PANELS[found.kind];
  const moved = switchTo(found.kind);
  const names = found.kind === "aws-session"
    ? ["access_key_id", "secret_access_key", "session_token", "expiration", "region"]
    : ["access_key_id", "secret_access_key"];
  for (const name of names) {
    // Only what the text carries: an expiration or region it lacks leaves the field as it was.
    if (found.fields[name] === undefined) continue;
    field(panel, name).value = found.fields[name];
    field(panel, name).dispatchEvent(new Event("input", { bubbles: true }));
  }
  // A note the creator typed is theirs; the user name or role only fills an empty one.
  const note = $(panel.note);
  if (!note.value.trim()) {
    if (found.fields.user_name) note.value = t("note_iam_user", { name: found.fields.user_name });
    else if (found.fields.note) note.value = found.fields.note;
  }
  // Whole sentences per source, so that no language has to fit a source's name into its grammar.
  const password = found.leftOut.includes("password") ? "_password" : "";
  const status = $(panel.status);
  if (found.kind === "aws-session") say(status, found.source === "sts" ? "session_filled_sts" : "session_filled_exports");
  else say(status, found.source === "json" ? "aws_paste_filled_json" : `aws_paste_filled_csv${password}`);
  // The panel the text was pasted into is hidden now: go on in the one that holds it.
  if (moved) $(panel.paste).focus();
}

function fromPasteBox(panel) {
  const box = $(panel.paste);
  const status = $(panel.status);
  if (!box.value.trim()) {
    // Emptied by hand, or by the fill below (one paste of many lines can fire several events):
    // only a complaint about the text that was there goes away.
    if (saying(status) === panel.unknown) unsay(status);
    return;
  }
  const found = recognise(box.value);
  if (!found) {
    say(status, panel.unknown);
    return;
  }
  // The secret now sits in its fields; it is not left lying in a second box.
  box.value = "";
  fill(found);
}

function fromKeyIdPaste(event) {
  const text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
  const found = recognise(text);
  if (!found) return; // an ordinary paste of the key id itself
  event.preventDefault();
  fill(found);
}

export function initAwsForm() {
  for (const panel of Object.values(PANELS)) {
    $(panel.paste).addEventListener("input", () => fromPasteBox(panel));
    field(panel, "access_key_id").addEventListener("paste", fromKeyIdPaste);
    for (const name of panel.checked) field(panel, name).addEventListener("input", () => checkFormat(panel));
  }
}
