// A table of links as GET /api/v1/me/secrets lists them (My links, offboarding): label, kind, state,
// views left, expiry and the last events, every value as text. A label is the creator's own words:
// shown as written, in its own direction, never translated.
import { describeEvent, secretEnded } from "./eventlog.js";
import { el, has, say, sayAttr } from "./ui.js";

const KINDS = { text: "kind_text", "aws-access-key": "kind_aws", "aws-session": "kind_aws_session", "console-login": "kind_console",
  file: "kind_file" };
const LAST_EVENTS = 2;

/** A cell with an instant: when, and how long from now, in the reader's language and time zone. */
export function timeCell(iso) {
  const time = el("time", { attrs: { datetime: iso } });
  say(time, "event_when", { time: { time: iso }, ago: { ago: iso } });
  return el("td", { children: [time] });
}

/** A cell with a link's state in words ("Opened", "Burned"), the state's own name for one this page does not know. */
export function stateCell(state) {
  const cell = el("td", { className: "state", attrs: { "data-state": String(state) } });
  if (has(`state_${state}`)) say(cell, `state_${state}`);
  else {
    cell.textContent = String(state);
    cell.classList.add("notranslate");
    cell.setAttribute("translate", "no");
  }
  return cell;
}

/** A cell with a label (the creator's own words, as written), or `empty` said in its place. */
export function labelCell(secret, id, empty = "no_label") {
  if (!secret.label) {
    const cell = el("td", { className: "muted", attrs: { id } });
    say(cell, empty);
    return cell;
  }
  return el("td", { attrs: { id }, children: [el("bdi", { text: secret.label, className: "notranslate", attrs: { translate: "no" } })] });
}

function kindCell(kind) {
  const cell = el("td");
  if (KINDS[kind]) say(cell, KINDS[kind]);
  else cell.textContent = "–";
  return cell;
}

function eventsCell(events) {
  const list = el("ul", { className: "row-events" });
  const from = Math.max(0, events.length - LAST_EVENTS);
  for (let index = from; index < events.length; index += 1) {
    const { key, vars } = describeEvent(events, index);
    const what = el("span");
    say(what, key, vars);
    const when = el("time", { className: "event-when", attrs: { datetime: events[index].at } });
    say(when, "event_when", { time: { time: events[index].at }, ago: { ago: events[index].at } });
    list.append(el("li", { children: [what, " ", when] }));
  }
  return el("td", { children: [list] });
}

/**
 * Name each cell of `table`'s body by its column's heading (data-label): on a narrow screen a row is
 * laid out as a card, and each value shows its name before it (static/css/app.css).
 */
export function labelCells(table) {
  const keys = [...table.tHead.rows[0].cells].map((th) => (th.querySelector(".visually-hidden") ? null : th.dataset.i18n || null));
  for (const row of table.tBodies[0].rows) {
    [...row.cells].forEach((cell, index) => {
      if (keys[index]) sayAttr(cell, "data-label", keys[index]);
    });
  }
}

/**
 * Fill `table`'s body with one row per secret, newest first as listed. `action(secret, cell, labelId)`
 * fills the last cell of a row that can still be opened (and gets an empty one otherwise); without it
 * the rows have no such cell. Returns how many of the secrets can still be opened.
 */
export function fillLinks(table, secrets, action = null) {
  const body = table.tBodies[0];
  let open = 0;
  body.replaceChildren(...secrets.map((secret) => {
    const labelId = `${table.id}-label-${secret.id}`;
    const events = Array.isArray(secret.events) ? secret.events : [];
    const row = el("tr", { attrs: { "data-id": String(secret.id) }, children: [labelCell(secret, labelId), kindCell(secret.kind),
      stateCell(secret.state), el("td", { text: String(secret.views_left ?? "") }), timeCell(secret.expires_at), eventsCell(events)] });
    const live = !secretEnded(secret);
    if (live) open += 1;
    if (action) {
      const cell = el("td", { className: "row-action" });
      if (live) action(secret, cell, labelId);
      row.append(cell);
    }
    return row;
  }));
  labelCells(table);
  return open;
}
