// What this browser keeps, when the person opts in, in its local storage. "Links from this browser":
// for a creator without an account, each link's {id, manage_token, label?, expires_at, created_at},
// so the link can be listed and burned later; never a link's key (the part after '#') and never its
// access code: without them a manage token can read the receipt and burn, and nothing else.
// "Requests kept in this browser": each request's inbox link besides (its private key: that is the
// point, the answer can be read from here), the note as its label, until the request expires.
// No DOM: kept apart from the pages.
const LINKS = "burnlink_links";
const REQUESTS = "burnlink_requests";
const OPT_IN = "burnlink_remember";
const ID = /^[A-Za-z0-9_-]{1,64}$/;
// An inbox link as the request's create call and request.js make it: http(s), no user part, /r/ID/inbox#KEY.
const INBOX = /^https?:\/\/[^\s#@/]+(?:\/[^\s#]*)?\/r\/([A-Za-z0-9_-]{22})\/inbox#[A-Za-z0-9_-]+$/;

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

// What each list holds besides: a link no inbox link, a request its own (to its own id).
const FITS = {
  [LINKS]: (entry) => !("inbox_link" in entry),
  [REQUESTS]: (entry) => typeof entry.inbox_link === "string" && INBOX.exec(entry.inbox_link)?.[1] === entry.id,
};

function read(list) {
  try {
    const entries = JSON.parse(storage()?.getItem(list) || "[]");
    return Array.isArray(entries) ? entries.filter((entry) => valid(entry) && FITS[list](entry)) : [];
  } catch {
    return [];
  }
}

function write(list, entries) {
  const store = storage();
  if (!store) return;
  if (entries.length) store.setItem(list, JSON.stringify(entries));
  else store.removeItem(list);
}

/** The entries of `list` that have not expired yet, newest first; expired ones are forgotten now. */
function live(list, now) {
  const all = read(list);
  const left = all.filter((entry) => Date.parse(entry.expires_at) > now);
  if (left.length !== all.length) write(list, left);
  return left.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
}

/** Keep `entry` (made from a create call's answer) first in `list`, in place of an older one of its id. */
function keep(list, created, extra, { label, now }) {
  const entry = { id: String(created.id), manage_token: String(created.manage_token), expires_at: String(created.expires_at),
    created_at: new Date(now).toISOString(), ...extra };
  if (label) entry.label = String(label);
  if (!valid(entry) || !FITS[list](entry)) return;
  write(list, [entry, ...live(list, now).filter((other) => other.id !== entry.id)]);
}

/** The links remembered here that have not expired yet, newest first; expired ones are forgotten now. */
export function rememberedLinks(now = Date.now()) {
  return live(LINKS, now);
}

/** Remember a link just made (the create call's answer): its id, manage token and expiry, and nothing more. */
export function rememberLink(created, { label, now = Date.now() } = {}) {
  keep(LINKS, created, {}, { label, now });
}

/** Forget every link remembered here (they still open until viewed or expired). */
export function forgetLinks() {
  write(LINKS, []);
}

/** The requests kept here that have not expired yet, newest first; expired ones are forgotten now. */
export function keptRequests(now = Date.now()) {
  return live(REQUESTS, now);
}

/** Keep a request just made (its create call's answer) with its inbox link and its note (as the label). */
export function keepRequest(created, inboxLink, { note, now = Date.now() } = {}) {
  keep(REQUESTS, created, { inbox_link: String(inboxLink) }, { label: note, now });
}

/** Forget every request kept here, inbox links and all (an inbox link kept elsewhere still reads the answer). */
export function forgetRequests() {
  write(REQUESTS, []);
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
