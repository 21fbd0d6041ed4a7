// static/js/notify.js: notification targets checked in the shapes app/notifications/targets.py takes,
// before the create page encrypts anything; webhook secrets made in the Standard Webhooks form.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as notify from "../../static/js/notify.js";

const SECRET = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;

test("exports exactly the interface the page uses", () => {
  assert.deepEqual(Object.keys(notify).sort(), ["DEFAULT_EVENTS", "EVENT_TYPES", "MAX_TARGETS", "TARGET_TYPES", "checkTargets",
    "isEmailAddress", "isHttpsUrl", "isWebhookSecret", "webhookSecret"]);
  assert.deepEqual([...notify.DEFAULT_EVENTS], ["secret.revealed", "secret.destroyed", "secret.expired", "secret.burned"]);
  assert.equal(notify.EVENT_TYPES.length, 7);
});

test("an https URL has a host and no spaces, user part or fragment", () => {
  for (const url of ["https://example.com/hooks/burnlink", "https://hooks.slack.com/services/T0/B0/x", "https://[2001:db8::1]:8443/x?a=1"]) {
    assert.ok(notify.isHttpsUrl(url), url);
  }
  for (const url of ["http://example.com/", "https://", "https://user:pw@example.com/", "https://example.com/#frag",
    "https://exa mple.com/", " https://example.com/", "https://example.com/\n", "ftp://example.com/", "example.com",
    `https://example.com/${"a".repeat(2048)}`, "", null]) {
    assert.equal(notify.isHttpsUrl(url), false, JSON.stringify(url));
  }
});

test("an e-mail address is one plain address", () => {
  for (const to of ["alice@example.com", "a.b+c@mail.example.co.uk", "x@a-b.example"]) assert.ok(notify.isEmailAddress(to), to);
  for (const to of ["alice", "alice@localhost", "Alice <alice@example.com>", "alice@example.com ", "a@b@example.com",
    "alice@-example.com", `${"a".repeat(65)}@example.com`, "alice@exa_mple.com", "", null]) {
    assert.equal(notify.isEmailAddress(to), false, JSON.stringify(to));
  }
});

test("a webhook secret is whsec_ and the base64 of 24 to 64 bytes", () => {
  assert.ok(notify.isWebhookSecret(SECRET));
  assert.ok(notify.isWebhookSecret(`whsec_${Buffer.alloc(24).toString("base64")}`));
  assert.ok(notify.isWebhookSecret(`whsec_${Buffer.alloc(64).toString("base64")}`));
  for (const bad of [`whsec_${Buffer.alloc(23).toString("base64")}`, `whsec_${Buffer.alloc(65).toString("base64")}`,
    SECRET.slice(6), `whsec_${Buffer.alloc(32).toString("base64url")}-_`, `${SECRET}=`, `${SECRET} `, "whsec_", "", null]) {
    assert.equal(notify.isWebhookSecret(bad), false, JSON.stringify(bad));
  }
});

test("webhookSecret makes one the server and Standard Webhooks take", () => {
  const bytes = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
  const made = notify.webhookSecret(bytes);
  assert.equal(made, `whsec_${Buffer.from(bytes).toString("base64")}`);
  assert.ok(notify.isWebhookSecret(made));
});

test("checkTargets builds the notify list from good rows", () => {
  const rows = [
    { type: "webhook", url: " https://example.com/h ", secret: SECRET, events: ["secret.burned", "secret.revealed"] },
    { type: "slack", url: "https://hooks.slack.com/services/T/B/x", events: [...notify.DEFAULT_EVENTS] },
    { type: "email", to: "alice@example.com", events: ["secret.expired"], url: "ignored" },
  ];
  assert.deepEqual(notify.checkTargets(rows), { problems: [], targets: [
    // Events in the protocol's order, whatever order the boxes were ticked in.
    { type: "webhook", url: "https://example.com/h", secret: SECRET, events: ["secret.revealed", "secret.burned"] },
    { type: "slack", url: "https://hooks.slack.com/services/T/B/x",
      events: ["secret.revealed", "secret.destroyed", "secret.burned", "secret.expired"] },
    { type: "email", to: "alice@example.com", events: ["secret.expired"] },
  ] });
});

test("checkTargets names each bad field and sends nothing", () => {
  const { targets, problems } = notify.checkTargets([
    { type: "webhook", url: "http://example.com/", secret: "whsec_short", events: [] },
    { type: "slack", url: "", events: ["secret.created"] },
    { type: "email", to: "not an address", events: ["secret.created"] },
    { type: "email", to: "", events: ["secret.created"] },
  ], ["webhook", "slack", "email"]);
  assert.deepEqual(targets, []);
  // Four rows are one too many, said first; the fourth is not looked at.
  assert.deepEqual(problems, [
    { row: 3, field: "type", key: "err_notify_too_many" },
    { row: 0, field: "url", key: "err_notify_url" }, { row: 0, field: "secret", key: "err_notify_secret" },
    { row: 0, field: "events", key: "err_notify_events" }, { row: 1, field: "url", key: "err_notify_url_missing" },
    { row: 2, field: "to", key: "err_notify_to" },
  ]);
  // E-mail where the server sends none, and a webhook without its secret.
  assert.deepEqual(notify.checkTargets([{ type: "email", to: "alice@example.com", events: ["secret.burned"] },
    { type: "webhook", url: "https://example.com/", secret: "", events: ["secret.burned"] }], ["webhook", "slack"]).problems,
  [{ row: 0, field: "type", key: "err_notify_type" }, { row: 1, field: "secret", key: "err_notify_secret_missing" }]);
});
