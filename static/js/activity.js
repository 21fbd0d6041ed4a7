// The result page's activity: the receipt's events as a list, oldest first, each with its time in
// the reader's language and time zone, the deliveries to the creator's notification targets, and
// a polite live region that speaks only what is new (the list itself is not live: read again
// every few seconds, it would be announced whole each time).
import { describeDelivery, describeEvent, eventId } from "./eventlog.js";
import { $, el, say, show } from "./ui.js";

let shown = []; // eventId of each listed event, in order
let deliveryStates = []; // the state of each delivery as last shown
let primed = false; // the first receipt only fills the list; announcing starts after it
let ticking = null; // "3 minutes ago" moves on even when the receipt is no longer read

function whenNode(at) {
  const time = el("time", { className: "event-when", attrs: { datetime: at } });
  say(time, "event_when", { time: { time: at }, ago: { ago: at } });
  return time;
}

function eventItem(event) {
  const item = el("li", { className: "event", attrs: { "data-type": String(event.type) } });
  item.append(el("span", { className: "event-what" }), " ", whenNode(event.at));
  if (event.client && (event.client.network || event.client.agent)) {
    // Coarse facts the server keeps when its operator asked for them: a network and a browser family.
    const client = el("span", { className: "event-client" });
    say(client, "event_client", { network: { exact: event.client.network || "?" }, agent: { exact: event.client.agent || "?" } });
    item.append(" ", client);
  }
  return item;
}

function refreshTimes() {
  for (const when of document.querySelectorAll("#events time")) {
    const at = when.getAttribute("datetime");
    say(when, "event_when", { time: { time: at }, ago: { ago: at } });
  }
}

function announce(sentences) {
  if (!sentences.length) return;
  const live = $("#activity-live");
  // One paragraph per sentence, so that two pieces of news are read as two.
  live.replaceChildren(...sentences.map(({ key, vars }) => {
    const line = el("p");
    say(line, key, vars);
    return line;
  }));
}

/** Show what the receipt `receipt` says happened; speak only what is new since the last call. */
export function showActivity(receipt) {
  const events = Array.isArray(receipt.events) ? receipt.events : [];
  const list = $("#events");
  const news = [];
  events.forEach((event, index) => {
    const id = eventId(event);
    if (shown[index] !== id) {
      // Events are only ever appended; anything else (a receipt read from elsewhere) starts over.
      if (shown.length > index) {
        list.replaceChildren(...[...list.children].slice(0, index));
        shown = shown.slice(0, index);
      }
      list.append(eventItem(event));
      shown.push(id);
      if (primed) news.push(describeEvent(events, index));
    }
  });
  // Every sentence again: "opened" reads differently once a reveal follows.
  [...list.children].forEach((item, index) => {
    const { key, vars } = describeEvent(events, index);
    say(item.querySelector(".event-what"), key, vars);
  });
  refreshTimes();
  ticking ??= setInterval(refreshTimes, 30000);
  show($("#activity"), events.length > 0);
  showDeliveries(receipt.deliveries || [], news);
  announce(news);
  primed = true;
}

function showDeliveries(deliveries, news) {
  const list = $("#deliveries");
  while (list.children.length < deliveries.length) list.append(el("li", { className: "delivery" }));
  while (list.children.length > deliveries.length) list.lastElementChild.remove();
  deliveries.forEach((delivery, index) => {
    const item = list.children[index];
    const sentence = describeDelivery(delivery);
    item.dataset.state = String(delivery.state);
    say(item, sentence.key, sentence.vars);
    const final = delivery.state === "delivered" || delivery.state === "failed";
    if (primed && final && deliveryStates[index] !== delivery.state) news.push(sentence);
  });
  deliveryStates = deliveries.map((d) => d.state);
  show($("#deliveries-box"), deliveries.length > 0);
}

/** Say, once, something that is not an event (the receipt cannot be read). */
export function announceOnce(key) {
  announce([{ key, vars: {} }]);
}
