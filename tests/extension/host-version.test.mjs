import { test } from "node:test";
import assert from "node:assert/strict";
import { isVersionMismatch, versionMismatchNote } from "../../extension/thunderbird/modules/host-version.mjs";
import { createHostClient } from "../../extension/thunderbird/modules/host-client.mjs";
import { createSendGuard } from "../../extension/thunderbird/modules/send-guard.mjs";
import { resolveSettings } from "../../extension/thunderbird/modules/settings.mjs";
import { EXTENSION_VERSION, PROTOCOL_VERSION } from "../../extension/thunderbird/modules/identity.mjs";
import { loadMessages } from "./messenger-stub.mjs";

const OTHER = "9.8.7";
const en = { t: loadMessages("en") };
const fr = { t: loadMessages("fr") };

test("only a host that names another version is a mismatch", () => {
  assert.equal(isVersionMismatch(EXTENSION_VERSION), false);
  assert.equal(isVersionMismatch(OTHER), true);
  assert.equal(isVersionMismatch(""), false, "an old or broken host that says nothing is a host error, not a mismatch");
  assert.equal(isVersionMismatch(undefined), false);
});

test("the mismatch sentence names both versions, in English and French", () => {
  for (const tr of [en, fr]) {
    for (const key of ["popupVersionMismatch", "optionsVersionMismatch"]) {
      const note = versionMismatchNote(OTHER, tr, key);
      assert.ok(note.includes(OTHER) && note.includes(EXTENSION_VERSION), note);
      assert.equal(versionMismatchNote(EXTENSION_VERSION, tr, key), "");
    }
  }
});

const reply = (request, body) => ({ protocolVersion: PROTOCOL_VERSION, id: request.id, hostVersion: OTHER, ...body });

test("hello and check return the host's version; a refusal carries it too", async () => {
  const client = createHostClient({
    sendNativeMessage: async (_, request) => (request.type === "hello"
      ? reply(request, { result: { hostVersion: OTHER, protocolVersion: PROTOCOL_VERSION } })
      : reply(request, { error: { code: 201, name: "unsupported-protocol-version", message: "other protocol" } })),
  });
  assert.equal((await client.hello()).hostVersion, OTHER);
  await assert.rejects(client.check({ from: "a@b.example", to: [], cc: [], bcc: [] }),
    (error) => error.kind === "refused" && error.details.hostVersion === OTHER);
});

function guardAsking(host, settings = {}) {
  const asked = [];
  const informed = [];
  const guard = createSendGuard({
    loadSettings: async () => resolveSettings(settings, {}),
    expand: async () => null,
    readOriginal: async () => null,
    sendNativeMessage: async (_, request) => (request.type === "report" ? reply(request, { result: { recorded: true } }) : host(request)),
    ask: async (input) => {
      asked.push(input);
      return { choice: "cancel" };
    },
    inform: (input) => informed.push(input),
  });
  return { guard, asked, informed };
}

const to = Array.from({ length: 30 }, (_, i) => `p${i}@gmail.com`);
const details = { from: "me@corp.example", to, cc: [], bcc: [], type: "new" };

test("the warning popup learns the host's version, so it can show the mismatch", async () => {
  const { guard, asked } = guardAsking((request) => reply(request, {
    result: {
      checkId: "c-1", decision: "warn", findings: [],
      rewrite: { strategy: "self", to: [request.draft.from], cc: [], bcc: request.draft.to },
    },
  }));
  assert.deepEqual(await guard.onBeforeSend({ id: 1 }, details), { cancel: true });
  assert.equal(asked[0].mode, "warn");
  assert.equal(asked[0].hostVersion, OTHER);
});

test("the host-error popup learns the version of a host that refused the request", async () => {
  const { guard, asked } = guardAsking((request) => reply(request, {
    error: { code: 201, name: "unsupported-protocol-version", message: "other protocol" },
  }));
  assert.deepEqual(await guard.onBeforeSend({ id: 1 }, details), { cancel: true });
  assert.equal(asked[0].mode, "hostError");
  assert.equal(asked[0].hostVersion, OTHER);
  assert.ok(versionMismatchNote(asked[0].hostVersion, en, "popupVersionMismatch").includes(OTHER));
});

test("the notice after a host error sent anyway names the host's version too", async () => {
  const { guard, informed } = guardAsking((request) => reply(request, {
    error: { code: 201, name: "unsupported-protocol-version", message: "other protocol" },
  }), { onHostError: "allow" });
  assert.equal(await guard.onBeforeSend({ id: 1 }, details), undefined);
  assert.equal(informed[0].mode, "hostErrorSent");
  assert.equal(informed[0].hostVersion, OTHER);
});
