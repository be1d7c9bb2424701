// Large mailings (issue 14): the batch sender over a fake compose API that records every
// window and what left. Nobody twice, nothing lost, Cancel changes nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createBatchSender, planMessages } from "../../extension/thunderbird/modules/batch-sender.mjs";
import { createSendGuard } from "../../extension/thunderbird/modules/send-guard.mjs";
import { resolveSettings } from "../../extension/thunderbird/modules/settings.mjs";
import { createListExpander } from "../../extension/thunderbird/modules/list-expander.mjs";
import { createMessengerStub, envelope } from "./messenger-stub.mjs";

const FROM = "Office <accueil@tourisme.example>";
const people = (n, offset = 0) => Array.from({ length: n }, (_, i) => `p${i + offset}@gmail.com`);

/** A compose API whose sends succeed unless `refuse(fields)` says otherwise. */
function fakeCompose({ refuse = () => false, failOpen = () => false, fulfilsOnFailure = false } = {}) {
  const world = { windows: new Map(), sent: [], nextTab: 100, order: [] };
  const compose = {
    async listAttachments(tabId) {
      world.order.push(`list:${tabId}`);
      return [{ id: 7, name: "programme.pdf", size: 3 }];
    },
    async getAttachmentFile(id) {
      return { name: "programme.pdf", size: 3, bytes: `file-${id}` };
    },
    async beginNew(fields) {
      if (failOpen(fields)) {
        throw new Error("window refused");
      }
      const id = world.nextTab++;
      world.windows.set(id, { ...fields, open: true });
      return { id };
    },
    async sendMessage(tabId, options) {
      const window = world.windows.get(tabId);
      assert.equal(options.mode, "sendNow");
      world.order.push(`send:${tabId}`);
      if (refuse(window)) {
        if (fulfilsOnFailure) {
          return { mode: "sendNow", messages: [] }; // as seen in Thunderbird 153: the window stays open
        }
        throw new Error("compose.sendMessage failed: 452 4.5.3 Too many recipients");
      }
      window.open = false;
      world.sent.push({ tabId, to: window.to, cc: window.cc, bcc: window.bcc });
    },
  };
  const isOpen = async (tabId) => Boolean(world.windows.get(tabId)?.open);
  return { world, compose, isOpen };
}

const batchesDelivery = (bounds, limit, repeated = 1) => ({ mode: "batches", messages: bounds.length - 1, limit, repeated, bounds });

function rewriteOf(n) {
  return { strategy: "self", to: [FROM], cc: [], bcc: people(n) };
}

const HELD = { id: 1 };
const DETAILS = {
  from: FROM, identityId: "id1", subject: "Programme", isPlainText: false, body: "<p>Bonjour</p>",
  plainTextBody: "Bonjour", customHeaders: [{ name: "X-Campaign", value: "spring" }], priority: "normal",
  to: people(280), cc: [], bcc: [], type: "new",
};

function everyoneOnce(messages, expected) {
  const seen = new Map();
  for (const message of messages) {
    for (const recipient of [...message.to, ...message.cc, ...message.bcc]) {
      if (recipient !== FROM) {
        seen.set(recipient, (seen.get(recipient) ?? 0) + 1);
      }
    }
  }
  assert.deepEqual([...seen.keys()].sort(), [...expected].sort());
  assert.ok([...seen.values()].every((count) => count === 1), "somebody twice");
}

test("planMessages: 280 at 100 with the sender in To is three messages, nobody twice", () => {
  const messages = planMessages(rewriteOf(280), batchesDelivery([1, 100, 199, 281], 100));
  assert.equal(messages.length, 3);
  for (const message of messages) {
    assert.deepEqual(message.to, [FROM]);
    assert.ok(message.to.length + message.bcc.length <= 100);
  }
  everyoneOnce(messages, people(280));
});

test("planMessages: individual is one message per recipient alone in To, no sender copy", () => {
  const messages = planMessages(rewriteOf(20), { mode: "individual", messages: 20, repeated: 1 });
  assert.equal(messages.length, 20);
  for (const message of messages) {
    assert.equal(message.to.length, 1);
    assert.deepEqual([...message.cc, ...message.bcc], []);
    assert.notEqual(message.to[0], FROM);
  }
  everyoneOnce(messages, people(20));
});

test("planMessages: a plan that does not partition the rewrite is refused (fail closed)", () => {
  const rewrite = rewriteOf(10);
  for (const bad of [
    batchesDelivery([1, 5, 10], 10), // misses the last position
    batchesDelivery([1, 5, 4, 11], 10), // goes back
    batchesDelivery([0, 6, 11], 10, 1), // the sender twice
    batchesDelivery([1, 11], 5), // above the limit
    { ...batchesDelivery([1, 6, 11], 10), messages: 3 }, // count disagrees
    { mode: "individual", messages: 11, repeated: 1 },
    { mode: "carrier-pigeon", messages: 2 },
  ]) {
    assert.equal(planMessages(rewrite, bad), null, JSON.stringify(bad));
  }
  assert.equal(planMessages(rewrite, { mode: "single", messages: 1 }).length, 1);
});

test("deliver: the other batches leave first, each from its own window, the held send carries the first", async () => {
  const { world, compose, isOpen } = fakeCompose();
  const informed = [];
  const sender = createBatchSender({ compose, isOpen, sleep: async () => {}, inform: (input) => informed.push(input) });
  const messages = planMessages(rewriteOf(280), batchesDelivery([1, 100, 199, 281], 100));
  let sawOwn = false;
  const originalSend = compose.sendMessage;
  compose.sendMessage = async (tabId, options) => {
    sawOwn = sender.isOwnSend(tabId); // what our onBeforeSend sees during that send
    return originalSend(tabId, options);
  };
  const result = await sender.deliver(HELD, DETAILS, messages);
  assert.ok(sawOwn, "BccShield's own send is recognised by its tab id");
  assert.equal(sender.isOwnSend(100), false, "forgotten once sent");
  assert.deepEqual(result.details, messages[0]);
  assert.deepEqual(world.sent.map((s) => s.bcc), [messages[1].bcc, messages[2].bcc]);
  for (const window of world.windows.values()) {
    assert.equal(window.subject, "Programme");
    assert.equal(window.body, "<p>Bonjour</p>");
    assert.equal(window.plainTextBody, undefined, "one body in the window's format");
    assert.equal(window.identityId, "id1");
    assert.deepEqual(window.customHeaders, DETAILS.customHeaders);
    assert.deepEqual(window.attachments.map((a) => a.name), ["programme.pdf"]);
  }
  await sender.onAfterSend(HELD, { mode: "sendNow" });
  assert.deepEqual(informed, [], "no notice when every message left");
  everyoneOnce([...world.sent, result.details], people(280));
});

test("a refused batch stays open with exactly its recipients; the user is told; Send there finishes", async () => {
  let serverRefuses = true; // the provider refuses this batch once, then accepts the retry
  const { world, compose, isOpen } = fakeCompose({ refuse: (window) => serverRefuses && window.bcc.includes("p150@gmail.com") });
  const informed = [];
  const sender = createBatchSender({ compose, isOpen, sleep: async () => {}, inform: (input) => informed.push(input) });
  const messages = planMessages(rewriteOf(280), batchesDelivery([1, 100, 199, 281], 100));
  const result = await sender.deliver(HELD, DETAILS, messages, 1);
  await sender.onAfterSend(HELD, { mode: "sendNow" }); // the held send (first batch) left
  assert.equal(informed.length, 1);
  const notice = informed[0];
  assert.equal(notice.mode, "batchesFailed");
  assert.equal(notice.missedRecipients, 99, "the batch's people, not the sender in To");
  assert.equal(notice.openWindows, 1);
  assert.equal(notice.failedMessages, 1);
  const open = [...world.windows.entries()].filter(([, w]) => w.open);
  assert.equal(open.length, 1);
  const [openTab, openWindow] = open[0];
  assert.deepEqual(openWindow.bcc, messages[1].bcc, "exactly that batch");
  assert.equal(sender.isOwnSend(openTab), false, "the user's retry is checked like any send");
  // The retry: the user presses Send in that window, and it goes through.
  serverRefuses = false;
  await compose.sendMessage(openTab, { mode: "sendNow" });
  everyoneOnce([...world.sent, result.details], people(280));
});

test("a refused batch whose sendMessage fulfils anyway (Thunderbird 153) is known by its open window", async () => {
  const { world, compose, isOpen } = fakeCompose({ refuse: (window) => window.bcc.includes("p150@gmail.com"), fulfilsOnFailure: true });
  const informed = [];
  const sender = createBatchSender({ compose, isOpen, sleep: async () => {}, inform: (input) => informed.push(input) });
  const messages = planMessages(rewriteOf(280), batchesDelivery([1, 100, 199, 281], 100));
  await sender.deliver(HELD, DETAILS, messages, 1);
  await sender.onAfterSend(HELD, { mode: "sendNow" });
  assert.equal(informed[0]?.missedRecipients, 99);
  assert.equal([...world.windows.values()].filter((w) => w.open).length, 1);
});

test("an onAfterSend error for BccShield's own batch marks it failed even if its window closes", async () => {
  const { compose, isOpen } = fakeCompose();
  const informed = [];
  let sender;
  const originalSend = compose.sendMessage;
  compose.sendMessage = async (tabId, options) => {
    await originalSend(tabId, options);
    await sender.onAfterSend({ id: tabId }, { mode: "sendNow", error: "Sending the message failed" });
  };
  sender = createBatchSender({ compose, isOpen, sleep: async () => {}, inform: (input) => informed.push(input) });
  const messages = planMessages(rewriteOf(280), batchesDelivery([1, 100, 199, 281], 100));
  await sender.deliver(HELD, DETAILS, messages, 1);
  await sender.onAfterSend(HELD, { mode: "sendNow" });
  assert.equal(informed[0].failedMessages, 2);
});

test("the held send failing too: both windows counted, everyone else got one copy", async () => {
  const { compose, isOpen } = fakeCompose({ refuse: (window) => window.bcc.includes("p250@gmail.com") });
  const informed = [];
  const sender = createBatchSender({ compose, isOpen, sleep: async () => {}, inform: (input) => informed.push(input) });
  const messages = planMessages(rewriteOf(280), batchesDelivery([1, 100, 199, 281], 100));
  await sender.deliver(HELD, DETAILS, messages, 1);
  await sender.onAfterSend(HELD, { mode: "sendNow", error: "Sending the message failed" });
  assert.equal(informed[0].failedMessages, 2);
  assert.equal(informed[0].openWindows, 2);
  assert.equal(informed[0].missedRecipients, messages[0].bcc.length + messages[2].bcc.length);
});

test("a batch whose window cannot open is named to the user, never dropped silently", async () => {
  const { compose, isOpen } = fakeCompose({ failOpen: (fields) => fields.bcc.includes("p150@gmail.com") });
  const informed = [];
  const sender = createBatchSender({ compose, isOpen, sleep: async () => {}, inform: (input) => informed.push(input) });
  const messages = planMessages(rewriteOf(280), batchesDelivery([1, 100, 199, 281], 100));
  await sender.deliver(HELD, DETAILS, messages);
  await sender.onAfterSend(HELD, {});
  assert.equal(informed[0].openWindows, 0);
  assert.deepEqual(informed[0].unopened.filter((r) => r !== FROM), messages[1].bcc);
});

test("the held send's outcome is completed by a background that was suspended meanwhile", async () => {
  const { compose, isOpen } = fakeCompose({ refuse: (window) => window.bcc.includes("p150@gmail.com") });
  const session = new Map();
  const storage = {
    async get(key) {
      return session.has(key) ? { [key]: structuredClone(session.get(key)) } : {};
    },
    async set(items) {
      for (const [key, value] of Object.entries(items)) {
        session.set(key, structuredClone(value));
      }
    },
    async remove(key) {
      session.delete(key);
    },
  };
  const before = createBatchSender({ compose, isOpen, sleep: async () => {}, session: storage, inform: () => {} });
  const messages = planMessages(rewriteOf(280), batchesDelivery([1, 100, 199, 281], 100));
  await before.deliver(HELD, DETAILS, messages, 1);
  // The MV3 background sleeps; a new one (no variables) wakes for onAfterSend.
  const informed = [];
  const after = createBatchSender({ compose, isOpen, sleep: async () => {}, session: storage, inform: (input) => informed.push(input) });
  await after.onAfterSend(HELD, { mode: "sendNow" });
  assert.equal(informed.length, 1);
  assert.equal(informed[0].missedRecipients, 99);
  assert.equal(session.size, 0, "nothing left behind");
  await after.onAfterSend({ id: 2 }, { mode: "sendNow" }); // an unrelated send: no notice
  assert.equal(informed.length, 1);
});

// --- the send guard with the batch sender (the Convert branch) -----------------------------

function guardWith({ decision = "warn", delivery, choice = "convert", compose, isOpen }) {
  const informed = [];
  const sender = createBatchSender({ compose, isOpen, sleep: async () => {}, inform: (input) => informed.push(input) });
  const messenger = createMessengerStub();
  const requests = [];
  const guard = createSendGuard({
    loadSettings: async () => resolveSettings({}, {}),
    expand: createListExpander(messenger),
    readOriginal: async () => null,
    sendNativeMessage: async (name, request) => {
      requests.push(request);
      if (request.type === "report") {
        return envelope(request, { recorded: true });
      }
      const { draft } = request;
      const indices = draft.to.map((_, i) => i);
      return envelope(request, {
        checkId: "c-1", decision,
        summary: { visibleRecipients: draft.to.length },
        findings: [{ rule: "exposed-parties", action: decision, parties: [] }],
        rewrite: { strategy: "self", to: [draft.from], cc: [], bcc: indices },
        delivery,
      });
    },
    ask: async () => ({ choice }),
    inform: (input) => informed.push(input),
    batches: sender,
  });
  return { guard, informed, requests, sender };
}

test("guard: Convert with a batch plan sends the others and applies the first batch", async () => {
  const { world, compose, isOpen } = fakeCompose();
  const { guard } = guardWith({ delivery: batchesDelivery([1, 100, 199, 281], 100), compose, isOpen });
  const result = await guard.onBeforeSend(HELD, { ...DETAILS });
  assert.equal(result.details.bcc.length, 99);
  assert.deepEqual(result.details.to, [FROM]);
  assert.equal(world.sent.length, 2);
  everyoneOnce([...world.sent, result.details], people(280));
});

test("guard: Cancel before any batch left changes nothing and opens no window", async () => {
  const { world, compose, isOpen } = fakeCompose();
  const { guard } = guardWith({ delivery: batchesDelivery([1, 100, 199, 281], 100), compose, choice: "cancel" });
  assert.deepEqual(await guard.onBeforeSend(HELD, { ...DETAILS }), { cancel: true });
  assert.equal(world.windows.size, 0);
  assert.deepEqual(world.order, []);
});

test("guard: BccShield's own batch is not checked again (by tab id, not by any header)", async () => {
  const { compose, isOpen } = fakeCompose();
  const { guard, requests, sender } = guardWith({ delivery: batchesDelivery([1, 100, 199, 281], 100), compose, isOpen });
  let inner;
  const originalSend = compose.sendMessage;
  compose.sendMessage = async (tabId, options) => {
    // Thunderbird fires onBeforeSend for the new window: our listener runs on it.
    inner = await guard.onBeforeSend({ id: tabId }, { ...DETAILS, to: [FROM], bcc: people(3) });
    return originalSend(tabId, options);
  };
  await guard.onBeforeSend(HELD, { ...DETAILS });
  assert.equal(inner, undefined);
  assert.equal(requests.filter((r) => r.type === "check").length, 1, "one check for the whole mailing");
  // A header cannot fake it: a user's draft carrying any header is checked.
  const headered = { ...DETAILS, customHeaders: [{ name: "X-Bccshield-Batch", value: "1" }] };
  compose.sendMessage = originalSend;
  assert.equal(sender.isOwnSend(HELD.id), false);
  await guard.onBeforeSend({ id: 555 }, headered);
  assert.equal(requests.filter((r) => r.type === "check").length, 2);
});

test("guard: an invalid plan falls back to one message (the plain rewrite)", async () => {
  const { world, compose, isOpen } = fakeCompose();
  const { guard } = guardWith({ delivery: batchesDelivery([1, 50, 281], 100), compose, isOpen });
  const result = await guard.onBeforeSend(HELD, { ...DETAILS });
  assert.equal(result.details.bcc.length, 280);
  assert.equal(world.windows.size, 0);
});

test("guard: the auto-convert decision splits too", async () => {
  const { world, compose, isOpen } = fakeCompose();
  const { guard } = guardWith({ decision: "convert", delivery: { mode: "individual", messages: 20, repeated: 1 }, compose, isOpen });
  const result = await guard.onBeforeSend(HELD, { ...DETAILS, to: people(20) });
  assert.equal(world.sent.length, 19);
  assert.equal(result.details.to.length, 1);
  assert.deepEqual(result.details.bcc, []);
  everyoneOnce([...world.sent, result.details], people(20));
});

test("guard: attachments unreadable before any batch left: cancelled, the user told, nothing sent", async () => {
  const { world, compose, isOpen } = fakeCompose();
  compose.listAttachments = async () => {
    throw new Error("gone");
  };
  const { guard, informed } = guardWith({ delivery: batchesDelivery([1, 100, 199, 281], 100), compose, isOpen });
  assert.deepEqual(await guard.onBeforeSend(HELD, { ...DETAILS }), { cancel: true });
  assert.equal(world.windows.size, 0);
  assert.equal(informed.at(-1).mode, "batchesNotStarted");
});
