// Messages tied to one form field: an error shown next to it, and notes it is described by.
// A hidden note stays out of aria-describedby: a referenced element is read even while hidden.
import { safeFileName } from "./kinds.js";
import { Sentence, sentenceOf } from "./sentences.js";
import { $, dropZone, formatSize, say, show, unsay } from "./ui.js";

/** A problem with one field, named by the field's id; the page shows it next to that field. */
export class FieldError extends Sentence {
  constructor(field, key, vars = {}) {
    super(key, vars);
    this.name = "FieldError";
    this.field = field;
  }
}

/** Add (`on`) or remove the element id `id` from `input`'s aria-describedby, keeping the others. */
export function describedBy(input, id, on) {
  const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter((x) => x && x !== id);
  if (on) ids.push(id);
  if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
  else input.removeAttribute("aria-describedby");
}

/** Show the string `key` next to the field `id`, tie it to the field, and move the focus there. */
export function showFieldError(id, key, vars = {}) {
  const input = $(`#${id}`);
  const box = $(`#err-${id}`);
  say(box, key, vars);
  show(box, true);
  describedBy(input, box.id, true);
  // A group (a set of checkboxes) is described by its error; the focus goes to its first box.
  if (input.tagName === "FIELDSET") {
    input.querySelector("input, select, textarea, button")?.focus();
    return;
  }
  input.setAttribute("aria-invalid", "true");
  input.focus();
}

/** Take back the error of the field `input`, if it has one. */
export function clearFieldError(input) {
  // A box of a group speaks for its group: the group's error is taken back with it.
  const owner = input && input.closest ? input.closest("fieldset[id]") : null;
  if (owner && owner !== input && document.getElementById(`err-${owner.id}`)) clearFieldError(owner);
  const box = input && input.id ? document.getElementById(`err-${input.id}`) : null;
  if (!box || box.hidden) return;
  unsay(box);
  show(box, false);
  describedBy(input, box.id, false);
  input.removeAttribute("aria-invalid");
}

/** Take back every field error inside `root`. */
export function clearFieldErrors(root) {
  for (const box of root.querySelectorAll(".field-error:not([hidden])")) {
    clearFieldError(document.getElementById(box.id.replace(/^err-/, "")));
  }
}

/** Show why a submit failed: next to its field when it names one, else in the form's #form-error line. */
export function showFormError(err) {
  if (err instanceof FieldError) {
    showFieldError(err.field, err.key, err.vars);
    return;
  }
  const { key, vars } = sentenceOf(err);
  say($("#form-error"), key, vars);
}

/** Whatever the person changes in a field of `form` takes back that field's error. */
export function clearErrorsOnEdit(form) {
  form.addEventListener("input", (e) => clearFieldError(e.target));
  form.addEventListener("change", (e) => clearFieldError(e.target));
}

/** The file panel (#file, #drop, #file-name): a chosen or dropped file's safe name and size shown. */
export function initFilePicker() {
  const input = $("#file");
  input.addEventListener("change", () => {
    const file = input.files[0];
    $("#file-name").textContent = file ? `${safeFileName(file.name)} (${formatSize(file.size)})` : "";
  });
  dropZone($("#drop"), input);
}
