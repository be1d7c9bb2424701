// Engine selection (issue 9, item 2): who decides a check, and that `auto` is no bypass.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  createEngineChoice, createHostMemory, isNoSuchNativeApplication, loadManagedPolicy, HOST_ANSWERED_KEY,
} from "../../extension/thunderbird/modules/engine-choice.mjs";
import { HostError, HOST_ERROR_KINDS } from "../../extension/thunderbird/modules/host-client.mjs";
import { HOST_NAME } from "../../extension/thunderbird/modules/identity.mjs";

const DRAFT = { from: "clerk@tourisme-vallee.fr", to: ["a@gmail.com"], cc: [], bcc: [] };
const ANSWER = { verdict: { decision: "allow", findings: [] }, policy: { status: "default" }, hostVersion: "1.0.0" };
const NO_SUCH_APP = `No such native application ${HOST_NAME}`;

function storageStub(local = {}, managed = {}) {
  const writes = [];
  let reads = 0;
  return {
    writes,
    reads: () => reads,
    local: {
      get: async (key) => {
        reads += 1;
        return Object.hasOwn(local, key) ? { [key]: local[key] } : {};
      },
      set: async (entries) => {
        writes.push(entries);
        Object.assign(local, entries);
      },
    },
    managed: {
      get: async (key) => {
        if (managed === null) {
          throw new Error("Managed storage manifest not found");
        }
        return Object.hasOwn(managed, key) ? { [key]: managed[key] } : {};
      },
    },
  };
}

/** A host stub: answers, or throws the given error; counts its calls. */
function hostStub(outcome) {
  const host = {
    calls: 0,
    hellos: 0,
    async check() {
      host.calls += 1;
      if (outcome instanceof Error) {
        throw outcome;
      }
      return { ...ANSWER, hostVersion: "host" };
    },
    async hello() {
      host.hellos += 1;
      if (outcome instanceof Error) {
        throw outcome;
      }
      return { hostVersion: "host" };
    },
  };
  return host;
}

function builtinStub() {
  const builtin = {
    calls: [],
    async check(draft, policy) {
      builtin.calls.push({ draft, policy });
      return { ...ANSWER, hostVersion: "builtin" };
    },
  };
  return builtin;
}

function choice({ host, builtin = builtinStub(), storage = storageStub(), values = {}, policy }) {
  const memory = createHostMemory(storage);
  return {
    builtin,
    storage,
    chooser: createEngineChoice({ host, builtin, memory, values, managedPolicy: async () => policy }),
  };
}

const missing = (message = NO_SUCH_APP) => new HostError(HOST_ERROR_KINDS.missing, message);

test("isNoSuchNativeApplication: only Gecko's exact message for our host name", () => {
  assert.equal(isNoSuchNativeApplication(missing()), true);
  assert.equal(isNoSuchNativeApplication(missing(`${NO_SUCH_APP}x`)), false);
  assert.equal(isNoSuchNativeApplication(missing("No such native application other_host")), false);
  assert.equal(isNoSuchNativeApplication(missing("native manifest not found")), false);
  assert.equal(isNoSuchNativeApplication(missing("ENOENT")), false);
  assert.equal(isNoSuchNativeApplication(new HostError(HOST_ERROR_KINDS.failed, NO_SUCH_APP)), false);
  assert.equal(isNoSuchNativeApplication(new Error(NO_SUCH_APP)), false);
});

test("auto: an installed host decides, and the profile remembers it answered", async () => {
  const host = hostStub();
  const { chooser, builtin, storage } = choice({ host });
  const answer = await chooser.check(DRAFT);
  assert.equal(answer.engine, "host");
  assert.equal(answer.hostVersion, "host");
  assert.equal(builtin.calls.length, 0);
  assert.deepEqual(storage.writes, [{ [HOST_ANSWERED_KEY]: true }]);
  await chooser.check(DRAFT);
  assert.equal(storage.writes.length, 1, "the flag is written once per wake");
  assert.equal(host.hellos, 1, "hello only until a host has answered");
  assert.equal(host.calls, 2);
});

test("auto: a host that answers hello but not the check is a host error", async () => {
  const failure = new HostError(HOST_ERROR_KINDS.timeout, "no reply within 8000 ms");
  const host = hostStub();
  host.check = async () => {
    throw failure;
  };
  const { chooser, builtin } = choice({ host });
  await assert.rejects(chooser.check(DRAFT), (error) => error === failure);
  assert.equal(builtin.calls.length, 0);
});

test("auto: a host removed after it answered hello is a host error, not the built-in engine", async () => {
  const host = hostStub();
  host.check = async () => {
    throw missing();
  };
  const { chooser, builtin } = choice({ host });
  await assert.rejects(chooser.check(DRAFT), (error) => isNoSuchNativeApplication(error));
  assert.equal(builtin.calls.length, 0);
});

test("auto: no native application registered and no host ever answered -> the built-in engine", async () => {
  const host = hostStub(missing());
  const { chooser, builtin } = choice({ host, policy: { minExposedParties: 5 } });
  const answer = await chooser.check(DRAFT);
  assert.equal(answer.engine, "builtin");
  assert.equal(answer.hostVersion, "builtin");
  assert.equal(host.hellos, 1, "a small hello asks whether a host is there");
  assert.equal(host.calls, 0, "the draft itself is not sent to a missing host");
  assert.deepEqual(builtin.calls, [{ draft: DRAFT, policy: { minExposedParties: 5 } }]);
});

test("auto: a missing host after a host answered on this profile is a host error", async () => {
  const host = hostStub(missing());
  const { chooser, builtin } = choice({ host, storage: storageStub({ [HOST_ANSWERED_KEY]: true }) });
  await assert.rejects(chooser.check(DRAFT), (error) => error.kind === HOST_ERROR_KINDS.missing);
  assert.equal(builtin.calls.length, 0);
});

test("auto: the flag is only `true`, not any truthy value a user could leave", async () => {
  const host = hostStub(missing());
  const { chooser } = choice({ host, storage: storageStub({ [HOST_ANSWERED_KEY]: "yes" }) });
  assert.equal((await chooser.check(DRAFT)).engine, "builtin");
});

for (const [name, error] of [
  ["crashed", new HostError(HOST_ERROR_KINDS.failed, "the host closed the connection")],
  ["hang", new HostError(HOST_ERROR_KINDS.timeout, "no reply within 8000 ms")],
  ["garbage", new HostError(HOST_ERROR_KINDS.invalid, "reply is not an object")],
  ["error reply", new HostError(HOST_ERROR_KINDS.refused, "policy refused", { code: 204 })],
  ["untrusted", new HostError(HOST_ERROR_KINDS.untrusted ?? "untrusted", "key id differs")],
  ["another missing message", missing("Native manifest not found: ENOENT")],
]) {
  test(`auto: an installed host that fails (${name}) is a host error, never the built-in engine`, async () => {
    const host = hostStub(error);
    const { chooser, builtin } = choice({ host });
    await assert.rejects(chooser.check(DRAFT), (thrown) => thrown === error);
    assert.equal(builtin.calls.length, 0);
  });
}

test("auto: a host that answered with an error reply counts as answered; its later absence is a host error", async () => {
  const storage = storageStub();
  const refused = new HostError(HOST_ERROR_KINDS.refused, "invalid request");
  await assert.rejects(choice({ host: hostStub(refused), storage }).chooser.check(DRAFT));
  assert.equal(storage.local.get && (await storage.local.get(HOST_ANSWERED_KEY))[HOST_ANSWERED_KEY], true);
  const { chooser, builtin } = choice({ host: hostStub(missing()), storage });
  await assert.rejects(chooser.check(DRAFT), (error) => error.kind === HOST_ERROR_KINDS.missing);
  assert.equal(builtin.calls.length, 0);
});

test("auto: a crash does not mark the profile (no reply was read)", async () => {
  const storage = storageStub();
  await assert.rejects(choice({ host: hostStub(new HostError(HOST_ERROR_KINDS.failed, "exit 1")), storage }).chooser.check(DRAFT));
  assert.deepEqual(storage.writes, []);
});

test("host: a missing host is a host error (onHostError applies)", async () => {
  const host = hostStub(missing());
  const { chooser, builtin } = choice({ host, values: { engine: "host" } });
  await assert.rejects(chooser.check(DRAFT), (error) => isNoSuchNativeApplication(error));
  assert.equal(builtin.calls.length, 0);
});

test("builtin: the host is never started", async () => {
  const host = hostStub();
  const { chooser } = choice({ host, values: { engine: "builtin" } });
  assert.equal((await chooser.check(DRAFT)).engine, "builtin");
  assert.equal(host.calls, 0);
});

test("an unknown engine value is auto (settings.mjs drops it; here too)", async () => {
  const { chooser } = choice({ host: hostStub(missing()), values: { engine: "none" } });
  assert.equal(chooser.mode, "auto");
  assert.equal((await chooser.check(DRAFT)).engine, "builtin");
});

for (const values of [{ requireSignedPolicy: true }, { expectedPolicyKeyId: "0123456789abcdef" }]) {
  for (const engine of ["builtin", "auto"]) {
    test(`${engine} with ${Object.keys(values)[0]}: the built-in engine does not decide (untrusted-host)`, async () => {
      const { chooser, builtin } = choice({ host: hostStub(missing()), values: { ...values, engine } });
      await assert.rejects(chooser.check(DRAFT), (error) => error instanceof HostError &&
        error.kind === (HOST_ERROR_KINDS.untrusted ?? "untrusted"));
      assert.equal(builtin.calls.length, 0);
    });
  }
}

test("a signature setting IT set with an unreadable value keeps the built-in engine from deciding", async () => {
  const memory = createHostMemory(storageStub());
  const builtin = builtinStub();
  const chooser = createEngineChoice({
    host: hostStub(missing()), builtin, memory, values: {}, managedPolicy: async () => undefined,
    invalidManaged: ["expectedPolicyKeyId"],
  });
  await assert.rejects(chooser.check(DRAFT), (error) => error.kind === (HOST_ERROR_KINDS.untrusted ?? "untrusted"));
  assert.equal(builtin.calls.length, 0);
});

test("requireSignedPolicy false and an empty key id leave the built-in engine allowed", async () => {
  const { chooser } = choice({ host: hostStub(missing()), values: { requireSignedPolicy: false, expectedPolicyKeyId: "" } });
  assert.equal((await chooser.check(DRAFT)).engine, "builtin");
});

test("loadManagedPolicy: IT's policy object, undefined when unset or when there is no managed area", async () => {
  assert.deepEqual(await loadManagedPolicy(storageStub({}, { policy: { minExposedParties: 5 } })), { minExposedParties: 5 });
  assert.equal(await loadManagedPolicy(storageStub({}, { onHostError: "block" })), undefined);
  assert.equal(await loadManagedPolicy(storageStub({}, null)), undefined);
});

test("createHostMemory: reads storage.local until it knows, then never again", async () => {
  const storage = storageStub();
  const memory = createHostMemory(storage);
  assert.equal(await memory.answeredBefore(), false);
  assert.equal(await memory.answeredBefore(), false);
  assert.equal(storage.reads(), 2, "a false answer is read again (another window may have set it)");
  await memory.noteAnswered();
  assert.equal(await memory.answeredBefore(), true);
  assert.equal(storage.reads(), 2);
});
