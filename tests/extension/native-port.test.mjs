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
