// What a receipt says, as catalog keys: one sentence per event and per delivery, whether anything
// more can happen, and how long to wait before asking again. No DOM: node tests import it as it is.
// The receipt's shape is docs/protocol.md, sections 9 and 15.

const POLL = 3000; // while the page is looked at
const HIDDEN_POLL = 15000; // the first wait while it is not
const MAX_POLL = 60000;

/** True when the secret can no longer be opened: nothing but a burn or an expiry record follows. */
export function secretEnded(receipt) {
  return receipt.state !== "waiting" && !(receipt.state === "viewed" && receipt.views_left > 0);
}

/** True when no delivery can change any more (delivered or failed each; none at all counts). */
export function deliveriesFinal(receipt) {
  return (receipt.deliveries || []).every((d) => d.state === "delivered" || d.state === "failed");
}

/** True when the receipt can still change: keep asking. */
export function worthPolling(receipt) {
  return !secretEnded(receipt) || !deliveriesFinal(receipt);
}

/**
 * Milliseconds to the next look at the receipt: every 3 s while the page is visible, doubling from
 * 15 s up to a minute while it is hidden (`hiddenRounds` looks so far), and doubling after each
 * failed look (`failures` in a row) so an unreachable server is not hammered.
 */
export function nextPoll({ hidden = false, hiddenRounds = 0, failures = 0 } = {}) {
  const base = hidden ? HIDDEN_POLL * 2 ** Math.min(hiddenRounds, 4) : POLL;
  return Math.min(MAX_POLL, base * 2 ** Math.min(failures, 5));
}

/** The sentence of `event` (the receipt's events[index], oldest first) as {key, vars}. */
export function describeEvent(events, index) {
  const event = events[index];
  switch (event.type) {
    case "secret.created":
      return { key: "event_created", vars: {} };
    case "secret.opened":
      // A page load that no reveal follows is often a link preview: a chat app or a mail scanner.
      return events.slice(index + 1).some((later) => later.type === "secret.revealed")
        ? { key: "event_opened", vars: {} }
        : { key: "event_opened_alone", vars: {} };
    case "secret.revealed":
      return event.views_left > 0
        ? { key: "event_revealed_left", vars: { n: event.views_left } }
        : { key: "event_revealed_last", vars: {} };
    case "secret.wrong_code":
      return event.attempts_left > 0
        ? { key: "event_wrong_code", vars: { n: event.attempts_left } }
        : { key: "event_wrong_code_last", vars: {} };
    case "secret.destroyed":
      return { key: "event_destroyed", vars: {} };
    case "secret.burned":
      return { key: "event_burned", vars: {} };
    case "secret.expired":
      return { key: "event_expired", vars: {} };
    default:
      return { key: "event_other", vars: { name: { exact: String(event.type) } } };
  }
}

/** A stable identity of an event, to tell the new ones from those already shown. */
export function eventId(event) {
  return `${event.type}|${event.at}|${event.views_left ?? ""}|${event.attempts_left ?? ""}`;
}

const TARGETS = {
  webhook: { key: "target_webhook" },
  slack: { key: "target_slack" },
  email: { key: "target_email" },
};

/** A delivery's last status as a sentence variable: an HTTP status, a known failure, or as sent. */
export function statusValue(status) {
  if (status === null || status === undefined || status === "") return { key: "status_none" };
  const text = String(status);
  if (/^\d{3}$/.test(text)) return { key: "status_http", vars: { code: { exact: text } } };
  switch (text) {
    case "timeout":
      return { key: "status_timeout" };
    case "refused":
      return { key: "status_refused" };
    case "connection failed":
      return { key: "status_connection" };
    case "tls error":
      return { key: "status_tls" };
    case "rate limited":
      return { key: "status_rate_limited" };
    default:
      // An SMTP reply and anything newer: the server's own words, shown as they came.
      return { exact: text };
  }
}

/** The sentence of one delivery as {key, vars}. */
export function describeDelivery(delivery) {
  const type = TARGETS[delivery.type] || { key: "target_other" };
  const n = Number(delivery.attempts) || 0;
  const status = statusValue(delivery.last_status);
  switch (delivery.state) {
    case "delivered":
      return { key: "delivery_delivered", vars: { type, n } };
    case "failed":
      return { key: "delivery_failed", vars: { type, n, status } };
    default:
      return n > 0
        ? { key: "delivery_retrying", vars: { type, n, status } }
        : { key: "delivery_pending", vars: { type } };
  }
}
