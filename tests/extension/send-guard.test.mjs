import { test } from "node:test";
import assert from "node:assert/strict";
import { createSendGuard } from "../../extension/thunderbird/modules/send-guard.mjs";
import { resolveSettings } from "../../extension/thunderbird/modules/settings.mjs";
import { createListExpander } from "../../extension/thunderbird/modules/list-expander.mjs";
import { createMessengerStub, envelope } from "./messenger-stub.mjs";

const FROM = "Office <accueil@tourisme.example>";
const thirty = Array.from({ length: 30 }, (_, i) => `Person ${i} <p${i}@${i % 2 ? "gmail.com" : "orange.fr"}>`);

function verdictFor(request, decision = "warn") {
  const { draft } = request;
  if (decision === "allow") {
    return { checkId: "c-allow", decision, findings: [] };
  }
  return {
    checkId: "c-1", decision,
    summary: { visibleRecipients: draft.to.length + draft.cc.length },
    findings: [{ rule: "exposed-parties", action: decision, visibleRecipients: draft.to.length, externalParties: draft.to.length, parties: [] }],
    rewrite: { strategy: "self", to: [draft.from], cc: [], bcc: [...draft.to, ...draft.cc, ...draft.bcc] },
  };
}

/** A guard over stubs: `host(request)` answers checks; `user(input)` answers popups. */
function harness({ host, user = () => ({ choice: "cancel" }), settings = {}, managed = {}, messenger = createMessengerStub() }) {
  const log = { requests: [], asked: [], informed: [], events: [] };
  const guard = createSendGuard({
    loadSettings: async () => resolveSettings(settings, managed),
    expand: createListExpander(messenger),
    readOriginal: async (id) => (id === 42 ? { from: "club@asso.example", to: thirty.slice(0, 20), cc: [] } : null),
    sendNativeMessage: async (name, request) => {
      log.requests.push(request);
      if (request.type === "report") {
        return envelope(request, { recorded: true });
      }
      return host(request);
    },
    clientName: async () => "thunderbird/153.7.0",
    ask: async (input) => {
      log.asked.push(input);
      return user(input);
    },
    inform: (input) => log.informed.push(input),
    record: (event) => log.events.push(event),
  });
  return { guard, log };
}

const details = (extra = {}) => ({ from: FROM, to: thirty, cc: [], bcc: [], type: "new", ...extra });
const reports = (log) => log.requests.filter((r) => r.type === "report");
const flush = () => new Promise((resolve) => setImmediate(resolve));

test("allow: sent untouched, no popup", async () => {
  const { guard, log } = harness({ host: (r) => envelope(r, verdictFor(r, "allow")) });
  assert.equal(await guard.onBeforeSend({ id: 1 }, details()), undefined);
  assert.equal(log.asked.length, 0);
  assert.equal(log.events.find((e) => e.event === "decision").decision, "allow");
});

test("warn + Convert: the host's rewrite, and a report", async () => {
  const { guard, log } = harness({ host: (r) => envelope(r, verdictFor(r)), user: () => ({ choice: "convert" }) });
  const result = await guard.onBeforeSend({ id: 1 }, details());
  assert.deepEqual(result.details.to, [FROM]);
  assert.equal(result.details.bcc.length, 30);
  assert.equal(log.asked[0].mode, "warn");
  await flush();
  assert.deepEqual(reports(log).map((r) => [r.checkId, r.choice]), [["c-1", "convert"]]);
});

test("warn + Cancel: cancelled, draft untouched", async () => {
  const { guard, log } = harness({ host: (r) => envelope(r, verdictFor(r)), user: () => ({ choice: "cancel" }) });
  assert.deepEqual(await guard.onBeforeSend({ id: 1 }, details()), { cancel: true });
  await flush();
  assert.equal(reports(log)[0].choice, "cancel");
});

test("warn + Send anyway: sent as written", async () => {
  const { guard, log } = harness({ host: (r) => envelope(r, verdictFor(r)), user: () => ({ choice: "send-anyway" }) });
  assert.equal(await guard.onBeforeSend({ id: 1 }, details()), undefined);
  await flush();
  assert.equal(reports(log)[0].choice, "send-anyway");
});

test("justify: Send anyway needs a reason, which is reported", async () => {
  const noReason = harness({ host: (r) => envelope(r, verdictFor(r, "justify")), user: () => ({ choice: "send-anyway", reason: "  " }) });
  assert.deepEqual(await noReason.guard.onBeforeSend({ id: 1 }, details()), { cancel: true });
  const withReason = harness({ host: (r) => envelope(r, verdictFor(r, "justify")), user: () => ({ choice: "send-anyway", reason: " Agreed at the meeting " }) });
  assert.equal(await withReason.guard.onBeforeSend({ id: 1 }, details()), undefined);
  await flush();
  assert.deepEqual(reports(withReason.log).map((r) => [r.choice, r.reason]), [["send-anyway", "Agreed at the meeting"]]);
});

test("block: Send anyway is not possible", async () => {
  const { guard, log } = harness({ host: (r) => envelope(r, verdictFor(r, "block")), user: () => ({ choice: "send-anyway" }) });
  assert.deepEqual(await guard.onBeforeSend({ id: 1 }, details()), { cancel: true });
  assert.equal(log.asked[0].mode, "block");
});

test("convert: converted without asking, the user is told", async () => {
  const { guard, log } = harness({ host: (r) => envelope(r, verdictFor(r, "convert")) });
  const result = await guard.onBeforeSend({ id: 1 }, details());
  assert.equal(result.details.bcc.length, 30);
  assert.equal(log.asked.length, 0);
  assert.equal(log.informed[0].mode, "converted");
  await flush();
  assert.equal(reports(log)[0].choice, "auto-convert");
});

test("mailing lists are expanded before the check", async () => {
  const members = Array.from({ length: 12 }, (_, i) => [`Walker ${i}`, `w${i}@free.fr`]);
  const messenger = createMessengerStub({ lists: { Walkers: members }, parseMailboxString: true });
  const { guard, log } = harness({ host: (r) => envelope(r, verdictFor(r)), user: () => ({ choice: "cancel" }), messenger });
  await guard.onBeforeSend({ id: 1 }, details({ to: ["Walkers <Walkers>", "x@gmail.com", "y@sfr.fr"] }));
  const check = log.requests.find((r) => r.type === "check");
  assert.equal(check.draft.to.length, 14);
  assert.deepEqual(log.asked[0].lists, [{ name: "Walkers", members: 12 }]);
});

test("a reply carries the original's recipients", async () => {
  const { guard, log } = harness({ host: (r) => envelope(r, verdictFor(r, "allow")) });
  await guard.onBeforeSend({ id: 1 }, details({ type: "reply", relatedMessageId: 42, to: ["club@asso.example"] }));
  const check = log.requests.find((r) => r.type === "check");
  assert.equal(check.draft.type, "reply");
  assert.equal(check.draft.original.to.length, 20);
});

test("host error, onHostError=ask: the popup offers Convert / Send anyway / Cancel", async () => {
  const missing = async () => { throw new Error("No such native application org.bccshield.host"); };
  for (const [choice, expected] of [["cancel", { cancel: true }], ["send-anyway", undefined]]) {
    const { guard, log } = harness({ host: missing, user: () => ({ choice }) });
    assert.deepEqual(await guard.onBeforeSend({ id: 1 }, details()), expected);
    assert.equal(log.asked[0].mode, "hostError");
    assert.equal(log.asked[0].hostError.kind, "missing");
  }
  const { guard } = harness({ host: missing, user: () => ({ choice: "convert" }) });
  const converted = await guard.onBeforeSend({ id: 1 }, details());
  assert.deepEqual(converted.details.to, [FROM]);
  assert.equal(converted.details.bcc.length, 30);
});

test("host error, onHostError=block (set by IT): Send anyway is refused", async () => {
  const { guard, log } = harness({
    host: async () => ({ garbage: true }), user: () => ({ choice: "send-anyway" }),
    settings: { onHostError: "allow" }, managed: { onHostError: "block" },
  });
  assert.deepEqual(await guard.onBeforeSend({ id: 1 }, details()), { cancel: true });
  assert.equal(log.asked[0].onHostError, "block");
  assert.equal(log.asked[0].hostError.kind, "invalid");
});

test("host error, onHostError=allow: sent, but never silently", async () => {
  const { guard, log } = harness({ host: () => new Promise(() => {}), settings: { onHostError: "allow", hostTimeoutMs: 500 } });
  assert.equal(await guard.onBeforeSend({ id: 1 }, details()), undefined);
  assert.equal(log.informed[0].mode, "hostErrorSent");
  assert.equal(log.informed[0].hostError.kind, "timeout");
});

test("an internal failure fails closed", async () => {
  const { guard, log } = harness({ host: (r) => envelope(r, verdictFor(r)), user: () => ({ choice: "cancel" }) });
  const broken = { ...details(), get to() { throw new Error("bug"); } };
  assert.deepEqual(await guard.onBeforeSend({ id: 1 }, broken), { cancel: true });
  assert.ok(log.events.some((e) => e.event === "internal-error"));
});
