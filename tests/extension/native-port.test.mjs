import { test } from "node:test";
import assert from "node:assert/strict";
import { createPortTransport } from "../../extension/thunderbird/modules/native-port.mjs";
import { createHostClient } from "../../extension/thunderbird/modules/host-client.mjs";
import { envelope } from "./messenger-stub.mjs";

/** A fake runtime.Port whose host answers with `respond(request)` (or nothing). */
function fakeConnect(respond) {
  const state = { connects: 0, ports: [] };
  const connectNative = (name) => {
    state.connects += 1;
    const listeners = { message: [], disconnect: [] };
    const port = {
      name, error: null, disconnected: false, posted: [],
      onMessage: { addListener: (f) => listeners.message.push(f) },
      onDisconnect: { addListener: (f) => listeners.disconnect.push(f) },
      postMessage(message) {
        port.posted.push(message);
        const reply = respond(message);
        if (reply !== undefined) {
          queueMicrotask(() => listeners.message.forEach((f) => f(reply)));
        }
      },
      disconnect() {
        port.disconnected = true;
      },
      crash(message) {
        port.error = { message };
        listeners.disconnect.forEach((f) => f(port));
      },
    };
    state.ports.push(port);
    return port;
  };
  return { state, connectNative };
}

const draft = { from: "me@t.example", to: ["a@gmail.com"], cc: [], bcc: [], type: "new" };
const allow = (request) => envelope(request, request.type === "check" ? { checkId: "c", decision: "allow", findings: [] } : { recorded: true });

test("one host process serves many checks; replies matched by id", async () => {
  const { state, connectNative } = fakeConnect(allow);
  const transport = createPortTransport({ connectNative });
  transport.warm("org.bccshield.host");
  const client = createHostClient({ sendNativeMessage: transport.send });
  const results = await Promise.all([client.check(draft), client.check(draft), client.report("c", "convert")]);
  assert.equal(results[0].verdict.decision, "allow");
  assert.deepEqual(results[2], { recorded: true });
  assert.equal(state.connects, 1);
  assert.equal(new Set(state.ports[0].posted.map((m) => m.id)).size, 3);
});

test("a host that goes away fails the pending request; the next one reconnects", async () => {
  const { state, connectNative } = fakeConnect(() => undefined);
  const transport = createPortTransport({ connectNative });
  const client = createHostClient({ sendNativeMessage: transport.send, timeoutMs: 1000 });
  const pending = client.check(draft);
  await new Promise((resolve) => setImmediate(resolve));
  state.ports[0].crash("No such native application org.bccshield.host");
  await assert.rejects(pending, (error) => error.kind === "missing");
  assert.equal(transport.isOpen(), false);
  const again = client.check(draft).catch((error) => error);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(state.connects, 2);
  state.ports[1].crash("An unexpected error occurred");
  assert.equal((await again).kind, "failed");
});

test("closeWhenIdle waits for the requests in flight", async () => {
  let answer;
  const { state, connectNative } = fakeConnect((request) => {
    answer = () => state.ports[0].onMessageReply?.(request);
    return undefined;
  });
  const transport = createPortTransport({ connectNative });
  const reply = transport.send("org.bccshield.host", { id: "r-1", type: "report" });
  transport.closeWhenIdle();
  assert.equal(state.ports[0].disconnected, false);
  assert.equal(transport.isOpen(), true);
  transport.close();
  await assert.rejects(reply);
  assert.equal(state.ports[0].disconnected, true);
  assert.ok(answer);
});

/** A host that answers when told: `answer(id, reply)`; requests are kept by id. */
function manualHost() {
  const listeners = [];
  const state = { connects: 0, ports: [] };
  const connectNative = (name) => {
    state.connects += 1;
    const port = {
      name, error: null, disconnected: false, posted: [], message: [], gone: [],
      onMessage: { addListener: (f) => port.message.push(f) },
      onDisconnect: { addListener: (f) => port.gone.push(f) },
      postMessage(message) { port.posted.push(message); },
      disconnect() { port.disconnected = true; },
      reply(reply) { port.message.forEach((f) => f(reply)); },
    };
    state.ports.push(port);
    listeners.push(port);
    return port;
  };
  return { state, connectNative };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

test("two checks in flight: one times out, the other is still answered on the same host", async () => {
  const { state, connectNative } = manualHost();
  const transport = createPortTransport({ connectNative });
  const slow = createHostClient({ sendNativeMessage: transport.send, abandon: transport.forget, timeoutMs: 50 });
  const other = createHostClient({ sendNativeMessage: transport.send, abandon: transport.forget, timeoutMs: 5000 });
  const first = slow.check(draft);
  const second = other.check(draft);
  await settle();
  const [firstRequest, secondRequest] = state.ports[0].posted;
  await assert.rejects(first, (error) => error.kind === "timeout");
  // What background.js does on a host error: retire the connection (not close it).
  transport.retire();
  assert.equal(state.ports[0].disconnected, false, "the other window's check would fail");
  state.ports[0].reply(envelope(secondRequest, { checkId: "c2", decision: "allow", findings: [] }));
  assert.equal((await second).verdict.decision, "allow");
  // The late reply to the abandoned request is dropped; the retired host is now idle and closed.
  state.ports[0].reply(envelope(firstRequest, { checkId: "c1", decision: "allow", findings: [] }));
  assert.equal(state.ports[0].disconnected, true);
  // The next check starts a new host.
  const third = other.check(draft);
  await settle();
  assert.equal(state.connects, 2);
  state.ports[1].reply(envelope(state.ports[1].posted[0], { checkId: "c3", decision: "allow", findings: [] }));
  assert.equal((await third).verdict.decision, "allow");
});

test("two checks in flight: one gets an error reply, the other succeeds", async () => {
  const { state, connectNative } = manualHost();
  const transport = createPortTransport({ connectNative });
  const client = createHostClient({ sendNativeMessage: transport.send, abandon: transport.forget, timeoutMs: 5000 });
  const first = client.check(draft);
  const second = client.check(draft);
  await settle();
  const [a, b] = state.ports[0].posted;
  state.ports[0].reply({ protocolVersion: 2, id: a.id, error: { code: 206, name: "reply-too-large", message: "too large", params: { decision: "block" } } });
  await assert.rejects(first, (error) => error.kind === "refused" && error.details.decision === "block");
  transport.retire();
  assert.equal(state.ports[0].disconnected, false);
  state.ports[0].reply(envelope(b, { checkId: "c2", decision: "allow", findings: [] }));
  assert.equal((await second).verdict.decision, "allow");
  assert.equal(state.ports[0].disconnected, true);
});

test("a host crash fails only the requests sent to that host", async () => {
  const { state, connectNative } = manualHost();
  const transport = createPortTransport({ connectNative });
  const client = createHostClient({ sendNativeMessage: transport.send, abandon: transport.forget, timeoutMs: 5000 });
  const old = client.check(draft);
  await settle();
  transport.retire();
  const fresh = client.check(draft);
  await settle();
  assert.equal(state.connects, 2);
  state.ports[0].error = { message: "An unexpected error occurred" };
  state.ports[0].gone.forEach((f) => f(state.ports[0]));
  await assert.rejects(old, (error) => error.kind === "failed");
  state.ports[1].reply(envelope(state.ports[1].posted[0], { checkId: "c", decision: "allow", findings: [] }));
  assert.equal((await fresh).verdict.decision, "allow");
});
