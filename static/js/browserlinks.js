// "Links from this browser": for a creator without an account who opts in, this browser's local
// storage keeps each link's {id, manage_token, label?, expires_at, created_at}, so the link can be
// listed and burned later. Never a link's key (the part after '#') and never its access code: without
// them a manage token can read the receipt and burn, and nothing else. No DOM: kept apart from the pages.
const LINKS = "burnlink_links";
const OPT_IN = "burnlink_remember";
const ID = /^[A-Za-z0-9_-]{1,64}$/;

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage switched off for this site
  }
}

function valid(entry) {
  return Boolean(entry) && typeof entry === "object" && typeof entry.id === "string" && ID.test(entry.id)
    && typeof entry.manage_token === "string" && entry.manage_token !== ""
    && typeof entry.expires_at === "string" && !Number.isNaN(Date.parse(entry.expires_at))
    && typeof entry.created_at === "string" && (entry.label === undefined || typeof entry.label === "string");
}

function read() {
  try {
    const entries = JSON.parse(storage()?.getItem(LINKS) || "[]");
    return Array.isArray(entries) ? entries.filter(valid) : [];
  } catch {
    return [];
  }
}

function write(entries) {
  const store = storage();
  if (!store) return;
  if (entries.length) store.setItem(LINKS, JSON.stringify(entries));
  else store.removeItem(LINKS);
}

/** The links remembered here that have not expired yet, newest first; expired ones are forgotten now. */
export function rememberedLinks(now = Date.now()) {
  const all = read();
  const live = all.filter((entry) => Date.parse(entry.expires_at) > now);
  if (live.length !== all.length) write(live);
  return live.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
}

/** Remember a link just made (the create call's answer): its id, manage token and expiry, and nothing more. */
export function rememberLink(created, { label, now = Date.now() } = {}) {
  const entry = { id: String(created.id), manage_token: String(created.manage_token), expires_at: String(created.expires_at),
    created_at: new Date(now).toISOString() };
  if (label) entry.label = String(label);
  if (!valid(entry)) return;
  write([entry, ...rememberedLinks(now).filter((other) => other.id !== entry.id)]);
}

/** Forget every link remembered here (they still open until viewed or expired). */
export function forgetLinks() {
  write([]);
}

/** Whether the creator asked this browser to remember the links made in it. */
export function remembering() {
  return storage()?.getItem(OPT_IN) === "1";
}

/** Keep (or drop) the creator's choice to remember links, for the next visit. */
export function setRemembering(on) {
  const store = storage();
  if (!store) return;
  if (on) store.setItem(OPT_IN, "1");
  else store.removeItem(OPT_IN);
}
