import { test } from "node:test";
import assert from "node:assert/strict";
import { createSendGuard } from "../../extension/thunderbird/modules/send-guard.mjs";
import { resolveSettings } from "../../extension/thunderbird/modules/settings.mjs";
import { createListExpander } from "../../extension/thunderbird/modules/list-expander.mjs";
import { createMessengerStub, envelope } from "./messenger-stub.mjs";
import { createStrictestActionMemory, memoryStorage } from "../../extension/thunderbird/modules/strictest-action.mjs";
import { createHostErrorQueue } from "../../extension/thunderbird/modules/host-error-queue.mjs";

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
function harness({ host, user = () => ({ choice: "cancel" }), settings = {}, managed = {}, messenger = createMessengerStub(), local = memoryStorage(), recorded = () => ({ recorded: true }) }) {
  const log = { requests: [], asked: [], informed: [], events: [] };
  const guard = createSendGuard({
    strictestAction: createStrictestActionMemory(local),
    hostErrorQueue: createHostErrorQueue({ local }),
    loadSettings: async () => resolveSettings(settings, managed),
    expand: createListExpander(messenger),
    readOriginal: async (id) => (id === 42 ? { from: "club@asso.example", to: thirty.slice(0, 20), cc: [] } : null),
    sendNativeMessage: async (name, request) => {
      log.requests.push(request);
      if (request.type === "report") {
        return envelope(request, recorded(request));
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
  return { guard, log, local };
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

// ----- issue 11: trust, block stays block, host-error choices audited -----------------------

const KEY = "3f2a9c0d41e7b6a8";
const SYSTEM_HOST = { path: "/usr/bin/bccshield-host", manifest: "/usr/lib/mozilla/native-messaging-hosts/org.bccshield.host.json", systemHost: true, systemManifest: true, overridden: false };
/** A reply from a host with a signed block policy (PROTOCOL.md `policy`, `host`). */
function trusted(request, decision = "allow", extra = {}) {
  return {
    ...envelope(request, verdictFor(request, decision)),
    policy: { status: "ok", source: "/etc/bccshield/policy.json", signed: true, keyId: KEY, strictestAction: "block" },
    host: { ...SYSTEM_HOST }, ...extra,
  };
}
const crashed = async () => { throw new Error("Native application tried to send a message of 0 bytes"); };
const hostErrorReports = (log) => reports(log).filter((r) => r.kind === "host-error");

test("untrusted-host: a shadowing user manifest with expectedPolicyKeyId set is refused, its verdict unused", async () => {
  const { guard, log } = harness({
    host: (r) => trusted(r, "allow", { host: { ...SYSTEM_HOST, manifest: "/home/u/.mozilla/native-messaging-hosts/org.bccshield.host.json", systemManifest: false } }),
    managed: { expectedPolicyKeyId: KEY }, user: () => ({ choice: "send-anyway" }),
  });
  // The host said allow, but it is not the expected one: the popup, and onHostError (ask) applies.
  assert.equal(await guard.onBeforeSend({ id: 1 }, details()), undefined);
  assert.equal(log.asked[0].mode, "hostError");
  assert.equal(log.asked[0].hostError.kind, "untrusted");
  assert.deepEqual(log.asked[0].hostError.problems.map((p) => p.check), ["userManifest"]);
});

test("untrusted-host for each expectation: key id, unsigned policy, host path", async () => {
  const cases = [
    [{ expectedPolicyKeyId: KEY }, { policy: { status: "ok", keyId: "00112233aabbccdd", strictestAction: "allow" } }, "policyKeyId"],
    [{ requireSignedPolicy: true }, { policy: { status: "default", keyId: null, strictestAction: "warn" } }, "unsignedPolicy"],
    [{ expectedHostPath: "/usr/bin/bccshield-host" }, { host: { ...SYSTEM_HOST, path: "/opt/other/bccshield-host" } }, "hostPath"],
  ];
  for (const [managed, extra, check] of cases) {
    const { guard, log } = harness({ host: (r) => trusted(r, "allow", extra), managed, user: () => ({ choice: "cancel" }) });
    assert.deepEqual(await guard.onBeforeSend({ id: 1 }, details()), { cancel: true }, check);
    assert.equal(log.asked[0].hostError.kind, "untrusted", check);
    assert.deepEqual(log.asked[0].hostError.problems.map((p) => p.check), [check]);
    await flush();
    // The untrusted host gets no host-error report (and no strictest-action update).
    assert.equal(hostErrorReports(log).length, 0, check);
  }
});

test("the expected host is used as before", async () => {
  const { guard, log } = harness({ host: (r) => trusted(r, "allow"), managed: { expectedPolicyKeyId: KEY, requireSignedPolicy: true, expectedHostPath: "/usr/bin/bccshield-host" } });
  assert.equal(await guard.onBeforeSend({ id: 1 }, details()), undefined);
  assert.equal(log.asked.length, 0);
});

test("206 carrying decision block: only Convert and Cancel, even with onHostError ask", async () => {
  const tooLarge = (r) => ({
    protocolVersion: 2, id: r.id, hostVersion: "0.1.0", policy: { status: "default", source: "built-in", signed: false },
    error: { code: 206, name: "reply-too-large", message: "reply too large", params: { bytes: 1100000, limit: 1048576, decision: "block", visibleRecipients: 6 } },
  });
  const { guard, log } = harness({ host: tooLarge, user: () => ({ choice: "send-anyway" }) });
  assert.deepEqual(await guard.onBeforeSend({ id: 1 }, details()), { cancel: true });
  assert.equal(log.asked[0].mode, "hostError");
  assert.equal(log.asked[0].onHostError, "block");
  assert.equal(log.asked[0].policyBlocks, true);
  assert.equal(log.asked[0].carriedDecision, "block");
  // onHostError allow does not send it either: the popup asks, Send anyway refused.
  const allow = harness({ host: tooLarge, settings: { onHostError: "allow" }, user: () => ({ choice: "send-anyway" }) });
  assert.deepEqual(await allow.guard.onBeforeSend({ id: 1 }, details()), { cancel: true });
  assert.equal(allow.log.informed.length, 0);
  // A 206 that carried warn leaves onHostError in charge.
  const warn = harness({ host: (r) => { const reply = tooLarge(r); reply.error.params.decision = "warn"; return reply; }, user: () => ({ choice: "send-anyway" }) });
  assert.equal(await warn.guard.onBeforeSend({ id: 1 }, details()), undefined);
});

test("strictest action block remembered: a host crash later offers no Send anyway (onHostError ask)", async () => {
  const local = memoryStorage();
  let alive = true;
  const { guard, log } = harness({ local, host: (r) => (alive ? trusted(r, "allow") : crashed()), user: () => ({ choice: "send-anyway" }) });
  assert.equal(await guard.onBeforeSend({ id: 1 }, details()), undefined);
  assert.equal(local.data.lastStrictestAction, "block");
  alive = false;
  assert.deepEqual(await guard.onBeforeSend({ id: 1 }, details()), { cancel: true });
  assert.equal(log.asked[0].mode, "hostError");
  assert.equal(log.asked[0].onHostError, "block");
  assert.equal(log.asked[0].policyBlocks, true);
  // Convert still works, with the fallback rewrite.
  const convert = harness({ local, host: crashed, user: () => ({ choice: "convert" }) });
  const converted = await convert.guard.onBeforeSend({ id: 1 }, details());
  assert.equal(converted.details.bcc.length, 30);
});

test("strictest action: a later trusted reply lowers it; an untrusted one does not", async () => {
  const local = memoryStorage({ lastStrictestAction: "block" });
  const lowered = { policy: { status: "ok", keyId: KEY, strictestAction: "warn" } };
  const untrusted = harness({ local, host: (r) => trusted(r, "allow", { ...lowered, host: { ...SYSTEM_HOST, systemHost: false } }), managed: { expectedPolicyKeyId: KEY } });
  await untrusted.guard.onBeforeSend({ id: 1 }, details());
  assert.equal(local.data.lastStrictestAction, "block");
  const ok = harness({ local, host: (r) => trusted(r, "allow", lowered) });
  await ok.guard.onBeforeSend({ id: 1 }, details());
  assert.equal(local.data.lastStrictestAction, "warn");
  const after = harness({ local, host: crashed, user: () => ({ choice: "send-anyway" }) });
  assert.equal(await after.guard.onBeforeSend({ id: 1 }, details()), undefined);
});

test("host-error choices are queued and reported once, as kind host-error, when the host answers again", async () => {
  const local = memoryStorage();
  let alive = false;
  const host = (r) => (alive ? { ...envelope(r, verdictFor(r, "allow")) } : crashed());
  const choices = ["send-anyway", "cancel", "convert"];
  for (const choice of choices) {
    const { guard } = harness({ local, host, user: () => ({ choice }) });
    await guard.onBeforeSend({ id: 1 }, details());
  }
  await flush();
  assert.equal(local.data.hostErrorQueue.entries.length, 3);
  alive = true;
  const { guard, log } = harness({ local, host });
  await guard.onBeforeSend({ id: 1 }, details());
  await flush();
  await flush();
  const sent = hostErrorReports(log);
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].entries.map((e) => [e.choice, e.error, e.visibleRecipients]), [
    ["host-error-send", "crashed", 30], ["host-error-cancel", "crashed", 30], ["host-error-convert", "crashed", 30],
  ]);
  assert.equal(sent[0].dropped, 0);
  assert.match(sent[0].entries[0].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(local.data.hostErrorQueue.entries.length, 0);
  // Nothing left: the next answer sends no report.
  await guard.onBeforeSend({ id: 1 }, details());
  await flush();
  assert.equal(hostErrorReports(log).length, 1);
});

test("host-error choices stay queued when the report is not recorded", async () => {
  const local = memoryStorage();
  const first = harness({ local, host: crashed, user: () => ({ choice: "cancel" }) });
  await first.guard.onBeforeSend({ id: 1 }, details());
  await flush();
  const refused = harness({ local, host: (r) => envelope(r, verdictFor(r, "allow")), recorded: () => ({ recorded: false }) });
  await refused.guard.onBeforeSend({ id: 1 }, details());
  await flush();
  await flush();
  assert.equal(hostErrorReports(refused.log).length, 1);
  assert.equal(local.data.hostErrorQueue.entries.length, 1);
});

test("onHostError allow: the silent send is queued too", async () => {
  const local = memoryStorage();
  const { guard } = harness({ local, host: () => new Promise(() => {}), settings: { onHostError: "allow", hostTimeoutMs: 500 } });
  assert.equal(await guard.onBeforeSend({ id: 1 }, details()), undefined);
  await flush();
  assert.deepEqual(local.data.hostErrorQueue.entries.map((e) => [e.choice, e.error]), [["host-error-send", "timeout"]]);
});
