// The send flow with engine selection (issue 9): the real send-guard, engine-choice and built-in
// engine (the XPI's, from the build); only Thunderbird's native messaging is stubbed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { XPI_ROOT } from "./build-tree.mjs";
import { createSendGuard } from "../../extension/thunderbird/modules/send-guard.mjs";
import { resolveSettings } from "../../extension/thunderbird/modules/settings.mjs";
import { createListExpander } from "../../extension/thunderbird/modules/list-expander.mjs";
import { createBuiltinEngine } from "../../extension/thunderbird/modules/builtin-engine.mjs";
import { createEngineChoice, createHostMemory } from "../../extension/thunderbird/modules/engine-choice.mjs";
import { createMessengerStub } from "./messenger-stub.mjs";

const WASM = path.join(XPI_ROOT, "bccshield-engine.wasm");
const builtin = createBuiltinEngine({ moduleOptions: existsSync(WASM) ? { wasmBinary: readFileSync(WASM) } : {} });
const FROM = "Office <accueil@tourisme.example>";
const thirty = Array.from({ length: 30 }, (_, i) => `Person ${i} <p${i}@${i % 2 ? "gmail.com" : "orange.fr"}>`);
const details = (to) => ({ from: FROM, to, cc: [], bcc: [], type: "new" });

function memoryStorage() {
  const local = {};
  return {
    local: { get: async (key) => (key in local ? { [key]: local[key] } : {}), set: async (e) => Object.assign(local, e) },
  };
}

/** No host registered: every native message fails as Gecko fails it. */
function harness({ settings = {}, managed = {}, policy, user = () => ({ choice: "convert" }) } = {}) {
  const log = { native: [], asked: [], decided: [] };
  const memory = createHostMemory(memoryStorage());
  const guard = createSendGuard({
    loadSettings: async () => resolveSettings(settings, managed),
    expand: createListExpander(createMessengerStub()),
    readOriginal: async () => null,
    sendNativeMessage: async (name, request) => {
      log.native.push(request);
      throw new Error(`No such native application ${name}`);
    },
    chooseEngine: ({ hostClient, settings: resolved }) => createEngineChoice({
      host: hostClient, builtin, memory, values: resolved.values, managedPolicy: async () => policy,
    }),
    decided: (info) => log.decided.push(info),
    ask: async (input) => {
      log.asked.push(input);
      return user(input);
    },
    inform: () => {},
  });
  return { guard, log };
}

test("no host, auto: the built-in engine's warn popup; Convert applies its rewrite; nothing is reported", async () => {
  const { guard, log } = harness();
  const result = await guard.onBeforeSend({ id: 1 }, details(thirty));
  assert.equal(log.asked.length, 1);
  assert.equal(log.asked[0].mode, "warn");
  assert.deepEqual(result.details.to, [FROM]);
  assert.equal(result.details.bcc.length, 30);
  assert.deepEqual(log.native.map((r) => r.type), ["hello"], "one small attempt at the host, no check sent, no report");
  assert.equal(log.decided[0].engine, "builtin");
});

test("no host, auto: one correspondent is sent at once", async () => {
  const { guard, log } = harness();
  assert.equal(await guard.onBeforeSend({ id: 1 }, details(["Marie <marie@gmail.com>"])), undefined);
  assert.equal(log.asked.length, 0);
});

test("no host, engine builtin: the host is never asked", async () => {
  const { guard, log } = harness({ settings: { engine: "builtin" } });
  await guard.onBeforeSend({ id: 1 }, details(thirty));
  assert.equal(log.native.length, 0);
  assert.equal(log.asked[0].mode, "warn");
});

test("no host, engine host locked by IT: the host-error popup", async () => {
  const { guard, log } = harness({ settings: { engine: "builtin" }, managed: { engine: "host" }, user: () => ({ choice: "cancel" }) });
  assert.deepEqual(await guard.onBeforeSend({ id: 1 }, details(thirty)), { cancel: true });
  assert.equal(log.asked[0].mode, "hostError");
});

test("no host, managed policy (block, minExposedParties 5): 6 private addresses get the block popup", async () => {
  const policy = { minExposedParties: 5, rules: { "exposed-parties": { action: "block" } } };
  const { guard, log } = harness({ policy, user: () => ({ choice: "send-anyway" }) });
  const result = await guard.onBeforeSend({ id: 1 }, details(thirty.slice(0, 6)));
  assert.equal(log.asked[0].mode, "block");
  assert.deepEqual(result, { cancel: true }, "Send anyway is not a choice on block");
  assert.equal(log.asked[0].policy.status, "ok");
});

test("no host, a refused managed policy: the popup carries the refused status (its line), the defaults decide", async () => {
  const { guard, log } = harness({ policy: { minExposedParties: "five" }, user: () => ({ choice: "cancel" }) });
  await guard.onBeforeSend({ id: 1 }, details(thirty));
  assert.equal(log.asked[0].mode, "warn");
  assert.equal(log.asked[0].policy.status, "error");
  assert.equal(log.asked[0].policy.error.field, "/minExposedParties");
});
