// The AWS access key panel of the create page: fill it from what an admin has in hand (the JSON
// of `aws iam create-access-key`, the console's credentials CSV) and warn about odd shapes. A
// warning never changes a value: the secret is sent as typed.
import { describedBy } from "./fields.js";
import { awsFieldOk, parseAwsCredentials } from "./kinds.js";
import { $, say, saying, show, t, unsay } from "./ui.js";

const CHECKED = ["access_key_id", "secret_access_key", "region"];

function checkAwsFormat() {
  for (const name of CHECKED) {
    const value = $(`#${name}`).value.trim();
    const odd = value !== "" && !awsFieldOk(name, value);
    show($(`#warn-${name}`), odd);
    describedBy($(`#${name}`), `warn-${name}`, odd);
  }
}

function fill(found) {
  $("#access_key_id").value = found.fields.access_key_id;
  $("#secret_access_key").value = found.fields.secret_access_key;
  // A note the creator typed is theirs; the user name only fills an empty one.
  const note = $("#aws_note");
  if (found.fields.user_name && !note.value.trim()) note.value = t("note_iam_user", { name: found.fields.user_name });
  for (const name of ["access_key_id", "secret_access_key"]) $(`#${name}`).dispatchEvent(new Event("input", { bubbles: true }));
  // Whole sentences per source, so that no language has to fit a source's name into its grammar.
  const password = found.leftOut.includes("password") ? "_password" : "";
  say($("#aws-paste-status"), `aws_paste_filled_${found.source}${password}`);
}

function fromPasteBox() {
  const box = $("#aws-paste");
  const status = $("#aws-paste-status");
  if (!box.value.trim()) {
    // Emptied by hand, or by the fill below (one paste of many lines can fire several events):
    // only a complaint about the text that was there goes away.
    if (saying(status) === "aws_paste_unknown") unsay(status);
    return;
  }
  const found = parseAwsCredentials(box.value);
  if (!found) {
    say(status, "aws_paste_unknown");
    return;
  }
  // The secret now sits in its fields; it is not left lying in a second box.
  box.value = "";
  fill(found);
}

function fromKeyIdPaste(event) {
  const text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
  const found = parseAwsCredentials(text);
  if (!found) return; // an ordinary paste of the key id itself
  event.preventDefault();
  fill(found);
}

export function initAwsForm() {
  $("#aws-paste").addEventListener("input", fromPasteBox);
  $("#access_key_id").addEventListener("paste", fromKeyIdPaste);
  for (const name of CHECKED) $(`#${name}`).addEventListener("input", checkAwsFormat);
}
