// Notification targets as a creator names them on the create page, checked in the shapes the server
// takes (app/notifications/targets.py) before anything is encrypted, so that a typo is named next
// to its field instead of coming back as one refusal of the whole list. No DOM and no strings.

export const EVENT_TYPES = Object.freeze(["secret.created", "secret.opened", "secret.revealed", "secret.wrong_code",
  "secret.destroyed", "secret.burned", "secret.expired"]);
export const DEFAULT_EVENTS = Object.freeze(["secret.revealed", "secret.destroyed", "secret.expired", "secret.burned"]);
export const MAX_TARGETS = 3;
export const TARGET_TYPES = Object.freeze(["webhook", "slack", "email"]);

const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const EMAIL = new RegExp(`^[A-Za-z0-9.!#$%&'*+/=?^_\`{|}~-]{1,64}@${LABEL}(?:\\.${LABEL})+$`);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const WEBHOOK_PREFIX = "whsec_";

/** True for one https:// address with a host, no spaces, no user part and no #fragment. */
export function isHttpsUrl(text) {
  if (typeof text !== "string" || !text || text.length > 2048) return false;
  for (const ch of text) if (ch.charCodeAt(0) <= 0x20 || ch === "\u007f") return false;
  let url;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  // A user part reads as one host and goes to another; a fragment never reaches a server.
  return url.protocol === "https:" && url.hostname !== "" && !url.username && !url.password && !text.includes("#");
}

/** True for one plain address, as the server's pattern takes it (no name, no angle brackets). */
export function isEmailAddress(text) {
  return typeof text === "string" && text.length <= 254 && EMAIL.test(text);
}

/** True for a Standard Webhooks secret: whsec_ and the base64 of 24 to 64 bytes. */
export function isWebhookSecret(text) {
  if (typeof text !== "string" || !text.startsWith(WEBHOOK_PREFIX)) return false;
  const body = text.slice(WEBHOOK_PREFIX.length);
  if (!body || !BASE64.test(body)) return false;
  const bytes = (body.length / 4) * 3 - (body.endsWith("==") ? 2 : body.endsWith("=") ? 1 : 0);
  return bytes >= 24 && bytes <= 64;
}

/** A new webhook secret: whsec_ and the standard base64 of `bytes` (32 random bytes from the caller). */
export function webhookSecret(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return WEBHOOK_PREFIX + btoa(binary);
}

/**
 * Check the rows a creator filled in and build the create body's `notify` list.
 * `rows`: [{type, url, secret, to, events}] with the values as typed; `offered`: the types this
 * server takes; `eventTypes`: the events the form offers (a secret's by default, a request's on the
 * ask page), in the protocol's order. Returns {targets, problems}, problems as [{row, field, key}] in the rows' order,
 * field one of "type", "url", "secret", "to", "events".
 */
export function checkTargets(rows, offered = TARGET_TYPES, eventTypes = EVENT_TYPES) {
  const targets = [];
  const problems = [];
  if (rows.length > MAX_TARGETS) problems.push({ row: MAX_TARGETS, field: "type", key: "err_notify_too_many" });
  rows.slice(0, MAX_TARGETS).forEach((row, index) => {
    const problem = (field, key) => problems.push({ row: index, field, key });
    const events = eventTypes.filter((name) => (row.events || []).includes(name));
    if (!offered.includes(row.type)) {
      problem("type", "err_notify_type");
      return;
    }
    const url = String(row.url ?? "").trim();
    if (row.type === "email") {
      const to = String(row.to ?? "").trim();
      if (!to) problem("to", "err_notify_to_missing");
      else if (!isEmailAddress(to)) problem("to", "err_notify_to");
      if (!events.length) problem("events", "err_notify_events");
      targets.push({ type: "email", to, events });
      return;
    }
    if (!url) problem("url", "err_notify_url_missing");
    else if (!isHttpsUrl(url)) problem("url", "err_notify_url");
    if (row.type === "webhook") {
      const secret = String(row.secret ?? "").trim();
      if (!secret) problem("secret", "err_notify_secret_missing");
      else if (!isWebhookSecret(secret)) problem("secret", "err_notify_secret");
      if (!events.length) problem("events", "err_notify_events");
      targets.push({ type: "webhook", url, secret, events });
      return;
    }
    if (!events.length) problem("events", "err_notify_events");
    targets.push({ type: "slack", url, events });
  });
  return { targets: problems.length ? [] : targets, problems };
}
