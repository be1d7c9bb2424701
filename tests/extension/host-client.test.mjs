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
  assert.equal(request.protocolVersion, 2);
  assert.equal(request.client, "thunderbird/153.7.0");
  assert.deepEqual(request.draft, draft);
});

test("a protocol 2 verdict names the draft's pills by index; the client writes them out", async () => {
  const many = { from: "Me <me@t.example>", to: ["A <a@gmail.com>", "b@free.fr"], cc: ["c@sfr.fr"], bcc: [], type: "new" };
  const compact = {
    checkId: "c2", decision: "warn",
    findings: [{ rule: "exposed-parties", parties: [{ party: "a@gmail.com", kind: "private", size: 1, recipients: [0] }] },
      { rule: "unparsable-recipient", count: 1, entries: [{ text: 2, reason: "no-domain" }] }],
    rewrite: { strategy: "self", to: ["Me <me@t.example>"], cc: [], bcc: [0, 1, 2] },
  };
  const client = createHostClient({ sendNativeMessage: async (name, request) => envelope(request, compact) });
  const { verdict } = await client.check(many);
  assert.deepEqual(verdict.rewrite.bcc, ["A <a@gmail.com>", "b@free.fr", "c@sfr.fr"]);
  assert.deepEqual(verdict.rewrite.to, ["Me <me@t.example>"]);
  assert.deepEqual(verdict.findings[0].parties[0].recipients, ["A <a@gmail.com>"]);
  assert.equal(verdict.findings[1].entries[0].text, "c@sfr.fr");
  // An index past the draft names nobody: the verdict is refused, never applied.
  const broken = { ...compact, rewrite: { ...compact.rewrite, bcc: [0, 1, 2, 3] } };
  const bad = createHostClient({ sendNativeMessage: async (name, request) => envelope(request, broken) });
  await rejectsWithKind(bad.check(many), "invalid");
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
      protocolVersion: 2, id: request.id, error: { code: 206, name: "reply-too-large", message: "too large" },
    }),
  });
  await assert.rejects(client.check(draft), (error) => error.kind === "refused" && error.details.code === 206);
});

test("report and hello", async () => {
  const native = createNativeStub((request) => envelope(request,
    request.type === "hello" ? { hostVersion: "0.1.0", protocolVersion: 2, hostName: HOST_NAME } : { recorded: true }));
  const client = createHostClient({ sendNativeMessage: native.sendNativeMessage });
  assert.deepEqual(await client.report("c1", "convert"), { recorded: true });
  const { id, ...report } = native.requests[0].request;
  assert.ok(Number.isInteger(id));
  assert.deepEqual(report, { protocolVersion: 2, type: "report", checkId: "c1", choice: "convert", reason: "" });
  const hello = await client.hello();
  assert.equal(hello.hostVersion, "0.1.0");
  assert.equal(hello.policy.source, "built-in");
});
