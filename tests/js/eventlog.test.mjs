// static/js/eventlog.js: the receipt's events and deliveries as catalog keys, when polling may stop,
// and how long to wait between looks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as log from "../../static/js/eventlog.js";

const english = JSON.parse(readFileSync(fileURLToPath(new URL("../../static/i18n/en.json", import.meta.url)), "utf8"));
const at = (minute) => `2026-03-01T10:${String(minute).padStart(2, "0")}:00Z`;

test("each event has its sentence, with its count", () => {
  const events = [
    { type: "secret.created", at: at(0) }, { type: "secret.opened", at: at(1) },
    { type: "secret.wrong_code", at: at(2), attempts_left: 4 }, { type: "secret.revealed", at: at(3), views_left: 1 },
    { type: "secret.revealed", at: at(4), views_left: 0 }, { type: "secret.wrong_code", at: at(5), attempts_left: 0 },
    { type: "secret.destroyed", at: at(5) }, { type: "secret.burned", at: at(6) }, { type: "secret.expired", at: at(7) },
    { type: "secret.someday", at: at(8) },
  ];
  assert.deepEqual(events.map((_, i) => log.describeEvent(events, i)), [
    { key: "event_created", vars: {} }, { key: "event_opened", vars: {} }, { key: "event_wrong_code", vars: { n: 4 } },
    { key: "event_revealed_left", vars: { n: 1 } }, { key: "event_revealed_last", vars: {} }, { key: "event_wrong_code_last", vars: {} },
    { key: "event_destroyed", vars: {} }, { key: "event_burned", vars: {} }, { key: "event_expired", vars: {} },
    { key: "event_other", vars: { name: { exact: "secret.someday" } } },
  ]);
  for (let i = 0; i < events.length; i++) assert.ok(log.describeEvent(events, i).key in english);
});

test("an opening that no reveal follows may be a link preview", () => {
  const opened = [{ type: "secret.created", at: at(0) }, { type: "secret.opened", at: at(1) }];
  assert.equal(log.describeEvent(opened, 1).key, "event_opened_alone");
  // A reveal before it does not count; one after it does.
  const before = [{ type: "secret.revealed", at: at(0), views_left: 1 }, ...opened];
  assert.equal(log.describeEvent(before, 2).key, "event_opened_alone");
  assert.equal(log.describeEvent([...opened, { type: "secret.revealed", at: at(2), views_left: 0 }], 1).key, "event_opened");
});

test("event ids tell new events from those already shown", () => {
  const a = { type: "secret.revealed", at: at(1), views_left: 1 };
  assert.equal(log.eventId(a), log.eventId({ ...a }));
  assert.notEqual(log.eventId(a), log.eventId({ ...a, views_left: 0 }));
  assert.notEqual(log.eventId(a), log.eventId({ ...a, at: at(2) }));
});

test("deliveries read as pending, retrying, delivered or failed, with their last status", () => {
  const webhook = { key: "target_webhook" };
  assert.deepEqual(log.describeDelivery({ type: "webhook", state: "pending", attempts: 0, last_status: null }),
    { key: "delivery_pending", vars: { type: webhook } });
  assert.deepEqual(log.describeDelivery({ type: "webhook", state: "pending", attempts: 2, last_status: "503" }),
    { key: "delivery_retrying", vars: { type: webhook, n: 2, status: { key: "status_http", vars: { code: { exact: "503" } } } } });
  assert.deepEqual(log.describeDelivery({ type: "slack", state: "delivered", attempts: 1, last_status: "200" }),
    { key: "delivery_delivered", vars: { type: { key: "target_slack" }, n: 1 } });
  assert.deepEqual(log.describeDelivery({ type: "email", state: "failed", attempts: 7, last_status: "smtp 550" }),
    { key: "delivery_failed", vars: { type: { key: "target_email" }, n: 7, status: { exact: "smtp 550" } } });
  assert.deepEqual(log.describeDelivery({ type: "unknown", state: "failed", attempts: 1, last_status: "timeout" }).vars.type,
    { key: "target_other" });
  const statuses = { timeout: "status_timeout", refused: "status_refused", "connection failed": "status_connection",
    "tls error": "status_tls", "rate limited": "status_rate_limited" };
  for (const [status, key] of Object.entries(statuses)) assert.deepEqual(log.statusValue(status), { key });
  assert.deepEqual(log.statusValue(null), { key: "status_none" });
  for (const key of [...Object.values(statuses), "status_none", "status_http", "target_webhook", "target_slack", "target_email",
    "target_other", "delivery_pending", "delivery_retrying", "delivery_delivered", "delivery_failed"]) {
    assert.ok(key in english, key);
  }
});

test("polling stops once neither the secret nor a delivery can change", () => {
  const pending = [{ state: "pending", attempts: 1 }];
  const settled = [{ state: "delivered", attempts: 1 }, { state: "failed", attempts: 7 }];
  assert.ok(log.worthPolling({ state: "waiting", views_left: 1 }));
  assert.ok(log.worthPolling({ state: "viewed", views_left: 1 }));
  assert.equal(log.worthPolling({ state: "viewed", views_left: 0 }), false);
  for (const state of ["burned", "expired", "destroyed"]) {
    assert.equal(log.secretEnded({ state, views_left: 0 }), true);
    assert.equal(log.worthPolling({ state, views_left: 0, deliveries: settled }), false);
    assert.equal(log.worthPolling({ state, views_left: 0, deliveries: pending }), true);
  }
  assert.equal(log.deliveriesFinal({}), true);
});

test("every 3 s while looked at, backing off while hidden and after failures, never over a minute", () => {
  assert.equal(log.nextPoll(), 3000);
  assert.deepEqual([0, 1, 2, 3, 9].map((hiddenRounds) => log.nextPoll({ hidden: true, hiddenRounds })), [15000, 30000, 60000, 60000, 60000]);
  assert.deepEqual([1, 2, 3, 5, 9].map((failures) => log.nextPoll({ failures })), [6000, 12000, 24000, 60000, 60000]);
});
