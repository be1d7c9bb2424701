import { test } from "node:test";
import assert from "node:assert/strict";
import { createHostClient, HostError } from "../../extension/thunderbird/modules/host-client.mjs";
import { HOST_NAME } from "../../extension/thunderbird/modules/identity.mjs";
import { createNativeStub, envelope } from "./messenger-stub.mjs";

const draft = { from: "me@t.example", to: ["a@gmail.com"], cc: [], bcc: [], type: "new" };
const warnVerdict = {
  checkId: "c1", decision: "warn", findings: [],
  rewrite: { strategy: "self", to: ["me@t.example"], cc: [], bcc: ["a@gmail.com"] },
};

async function rejectsWithKind(promise, kind) {
  await assert.rejects(promise, (error) => error instanceof HostError && error.kind === kind);
}

test("check sends a PROTOCOL.md request to org.bccshield.host and returns the verdict", async () => {
  const native = createNativeStub((request) => envelope(request, warnVerdict));
  const client = createHostClient({ sendNativeMessage: native.sendNativeMessage, client: "thunderbird/153.7.0" });
  const { verdict, policy } = await client.check(draft);
  assert.equal(verdict.decision, "warn");
  assert.equal(policy.status, "default");
  const { name, request } = native.requests[0];
  assert.equal(name, HOST_NAME);
  assert.equal(request.type, "check");
  assert.equal(request.protocolVersion, 1);
  assert.equal(request.client, "thunderbird/153.7.0");
  assert.deepEqual(request.draft, draft);
});

test("a host that never answers times out (named timeout)", async () => {
  const client = createHostClient({ sendNativeMessage: () => new Promise(() => {}), timeoutMs: 30 });
  await rejectsWithKind(client.check(draft), "timeout");
});

test("a missing host is reported as missing", async () => {
  const client = createHostClient({
    sendNativeMessage: async () => { throw new Error("No such native application org.bccshield.host"); },
  });
  await rejectsWithKind(client.check(draft), "missing");
});

test("a crashing host is reported as failed", async () => {
  const client = createHostClient({ sendNativeMessage: async () => { throw new Error("An unexpected error occurred"); } });
  await rejectsWithKind(client.check(draft), "failed");
});

test("garbage answers are invalid, never an allow", async () => {
  const answers = [
    "hello", null, [], {}, { result: { decision: "maybe" } },
    { result: { decision: "warn" } },
    { result: { decision: "warn", rewrite: { to: "a", cc: [], bcc: [] } } },
  ];
  for (const answer of answers) {
    const client = createHostClient({ sendNativeMessage: async () => answer });
    await rejectsWithKind(client.check(draft), "invalid");
  }
});

test("a protocol error reply is refused, with its code", async () => {
  const client = createHostClient({
    sendNativeMessage: async (name, request) => ({
      protocolVersion: 1, id: request.id, error: { code: 206, name: "reply-too-large", message: "too large" },
    }),
  });
  await assert.rejects(client.check(draft), (error) => error.kind === "refused" && error.details.code === 206);
});

test("report and hello", async () => {
  const native = createNativeStub((request) => envelope(request,
    request.type === "hello" ? { hostVersion: "0.1.0", protocolVersion: 1, hostName: HOST_NAME } : { recorded: true }));
  const client = createHostClient({ sendNativeMessage: native.sendNativeMessage });
  assert.deepEqual(await client.report("c1", "convert"), { recorded: true });
  const { id, ...report } = native.requests[0].request;
  assert.ok(Number.isInteger(id));
  assert.deepEqual(report, { protocolVersion: 1, type: "report", checkId: "c1", choice: "convert", reason: "" });
  const hello = await client.hello();
  assert.equal(hello.hostVersion, "0.1.0");
  assert.equal(hello.policy.source, "built-in");
});
