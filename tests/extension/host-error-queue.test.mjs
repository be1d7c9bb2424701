import { test } from "node:test";
import assert from "node:assert/strict";
import { createHostErrorQueue, isoSecond } from "../../extension/thunderbird/modules/host-error-queue.mjs";
import { memoryStorage } from "../../extension/thunderbird/modules/strictest-action.mjs";

const at = Date.parse("2026-12-02T01:02:03.456Z");
const entry = (n = 0) => ({ choice: "host-error-send", error: "crashed", visibleRecipients: n });

test("entries are stored in storage.local with the wire fields", async () => {
  const local = memoryStorage();
  const queue = createHostErrorQueue({ local, now: () => at });
  await queue.add(entry(30));
  assert.deepEqual(await queue.pending(), {
    entries: [{ choice: "host-error-send", at: "2026-12-02T01:02:03Z", error: "crashed", visibleRecipients: 30 }],
    dropped: 0,
  });
  assert.equal(local.data.hostErrorQueue.entries.length, 1);
  assert.equal(isoSecond(at), "2026-12-02T01:02:03Z");
});

test("bounded: 200 entries, the rest counted as dropped and reported", async () => {
  const queue = createHostErrorQueue({ local: memoryStorage(), now: () => at });
  await Promise.all(Array.from({ length: 205 }, (_, i) => queue.add(entry(i))));
  const { entries, dropped } = await queue.pending();
  assert.equal(entries.length, 200);
  assert.equal(dropped, 5);
  const sent = [];
  assert.equal(await queue.flush(async (batch) => { sent.push(batch); return { recorded: true, entries: batch.entries.length }; }), 200);
  assert.equal(sent[0].entries.length, 200);
  assert.equal(sent[0].dropped, 5);
  assert.deepEqual(await queue.pending(), { entries: [], dropped: 0 });
});

test("kept when the host fails or does not say recorded", async () => {
  const queue = createHostErrorQueue({ local: memoryStorage(), now: () => at });
  await queue.add(entry(1));
  assert.equal(await queue.flush(async () => { throw new Error("crashed"); }), 0);
  assert.equal(await queue.flush(async () => ({ recorded: false })), 0);
  assert.equal(await queue.flush(async () => ({})), 0);
  assert.equal((await queue.pending()).entries.length, 1);
  assert.equal(await queue.flush(async () => ({ recorded: true, entries: 1 })), 1);
  assert.equal((await queue.pending()).entries.length, 0);
});

test("delivered once: concurrent flushes (two compose windows) send each entry one time", async () => {
  const queue = createHostErrorQueue({ local: memoryStorage(), now: () => at });
  await queue.add(entry(1));
  await queue.add(entry(2));
  const sent = [];
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const send = async (batch) => { sent.push(batch); await gate; return { recorded: true, entries: batch.entries.length }; };
  const first = queue.flush(send);
  const second = queue.flush(send);
  // A choice made while the report is in flight waits for the next delivery.
  await queue.add(entry(3));
  release();
  await Promise.all([first, second]);
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].entries.map((e) => e.visibleRecipients), [1, 2]);
  assert.deepEqual((await queue.pending()).entries.map((e) => e.visibleRecipients), [3]);
  await queue.flush(send);
  assert.deepEqual(sent[1].entries.map((e) => e.visibleRecipients), [3]);
  assert.equal((await queue.pending()).entries.length, 0);
});

test("a queue survives the background restarting (read back from storage.local)", async () => {
  const local = memoryStorage();
  await createHostErrorQueue({ local, now: () => at }).add(entry(7));
  const again = createHostErrorQueue({ local, now: () => at });
  await again.add(entry(8));
  const sent = [];
  await again.flush(async (batch) => { sent.push(batch); return { recorded: true }; });
  assert.deepEqual(sent[0].entries.map((e) => e.visibleRecipients), [7, 8]);
});

test("strings are cut to 64 bytes (the wire limit)", async () => {
  const queue = createHostErrorQueue({ local: memoryStorage(), now: () => at });
  await queue.add({ choice: "host-error-cancel", error: "é".repeat(60), visibleRecipients: -3 });
  const [stored] = (await queue.pending()).entries;
  assert.ok(new TextEncoder().encode(stored.error).length <= 64);
  assert.equal(stored.visibleRecipients, 0);
});

test("an entry the host would refuse (storage edited) is counted as dropped, not sent, not kept", async () => {
  const local = memoryStorage({ hostErrorQueue: { entries: [
    { seq: 0, choice: "host-error-send", at: "2026-12-02T01:02:03Z", error: "crashed", visibleRecipients: 3 },
    { seq: 1, choice: "send-anyway", at: "2026-12-02T01:02:03Z", error: "crashed", visibleRecipients: 3 },
    { seq: 2, choice: "host-error-cancel", at: "yesterday", error: "a b", visibleRecipients: 1 },
  ], dropped: 1, next: 3 } });
  const queue = createHostErrorQueue({ local, now: () => at });
  await queue.add({ choice: "host-error-cancel", error: "bad name!", visibleRecipients: 2 });
  const sent = [];
  assert.equal(await queue.flush(async (batch) => { sent.push(batch); return { recorded: true }; }), 2);
  assert.deepEqual(sent[0].entries.map((e) => [e.choice, e.error]), [["host-error-send", "crashed"], ["host-error-cancel", "unknown"]]);
  assert.equal(sent[0].dropped, 3);
  assert.deepEqual(await queue.pending(), { entries: [], dropped: 0 });
});
