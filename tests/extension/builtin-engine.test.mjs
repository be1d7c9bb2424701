// The built-in engine as the XPI carries it (issue 9): the generated ../bccshield-engine.mjs in
// the build's XPI root (build-tree-hooks.mjs maps it), its managed-policy validation compared
// with the native host's on the same policy, and its answers in host-client's shape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { XPI_ROOT } from "./build-tree.mjs";
import { createBuiltinEngine, MANAGED_POLICY_SOURCE, policyText } from "../../extension/thunderbird/modules/builtin-engine.mjs";
import { HostError, HOST_ERROR_KINDS } from "../../extension/thunderbird/modules/host-client.mjs";
import { EXTENSION_VERSION } from "../../extension/thunderbird/modules/identity.mjs";

const ENGINE = path.join(XPI_ROOT, "bccshield-engine.mjs");
const WASM = path.join(XPI_ROOT, "bccshield-engine.wasm");
const HOST = process.env.BCCSHIELD_HOST;

// Thunderbird fetches the .wasm next to the module itself; node has no fetch of file: URLs.
const moduleOptions = existsSync(WASM) ? { wasmBinary: readFileSync(WASM) } : {};

test("the XPI root carries the built-in engine (a build output, BCCSHIELD_BUILD_OUTLOOK)", () => {
  assert.ok(existsSync(ENGINE), `${ENGINE} missing: build the bccshield_xpi target`);
});

const engine = createBuiltinEngine({ moduleOptions });
const PRIVATE = Array.from({ length: 30 }, (_, i) => `Parent ${i} <parent${i}@gmail.com>`);
const draftOf = (to) => ({ from: "Accueil <accueil@tourisme-vallee.fr>", to, cc: [], bcc: [] });

/** The native host's verdict for the same draft and policy (`check --wire`). */
function nativeCheck(draft, policy) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bccshield-builtin-"));
  try {
    const args = ["check", "--wire"];
    if (policy !== undefined) {
      writeFileSync(path.join(dir, "policy.json"), policyText(policy));
      args.push("--policy", path.join(dir, "policy.json"));
    }
    const run = spawnSync(HOST, [...args, "-"], { input: JSON.stringify(draft), encoding: "utf8" });
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    return JSON.parse(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("30 private addresses under the defaults: a warn, in host-client's answer shape", async () => {
  const answer = await engine.check(draftOf(PRIVATE));
  assert.equal(answer.verdict.decision, "warn");
  assert.equal(answer.hostVersion, EXTENSION_VERSION);
  assert.equal(answer.policy.status, "default");
  // Recipients come back as strings of this draft (resolveVerdict ran).
  assert.equal(answer.verdict.rewrite.bcc.length, 30);
  assert.ok(answer.verdict.rewrite.bcc.every((entry) => PRIVATE.includes(entry)));
  assert.deepEqual(answer.verdict.rewrite.to, ["Accueil <accueil@tourisme-vallee.fr>"], "the sender stays in To");
  assert.match(answer.verdict.checkId, /^thunderbird-[0-9a-f]{32}$/);
});

test("the same verdict as the native host, defaults and a managed policy", async () => {
  assert.ok(HOST, "BCCSHIELD_HOST unset: run through ctest");
  const policy = { minExposedParties: 5, rules: { "exposed-parties": { action: "block" } } };
  for (const [draft, managed] of [[draftOf(PRIVATE), undefined], [draftOf(PRIVATE.slice(0, 6)), policy]]) {
    const native = nativeCheck(draft, managed);
    const { verdict } = await createBuiltinEngine({ moduleOptions }).check(draft, managed);
    assert.equal(verdict.decision, native.decision);
    assert.deepEqual(verdict.summary, native.summary);
    assert.deepEqual(verdict.findings.map((f) => f.rule), native.findings.map((f) => f.rule));
  }
});

test("a managed policy (block, minExposedParties 5): 6 private addresses are blocked, 4 pass", async () => {
  const policy = { minExposedParties: 5, rules: { "exposed-parties": { action: "block" } } };
  const blocked = await engine.check(draftOf(PRIVATE.slice(0, 6)), policy);
  assert.equal(blocked.verdict.decision, "block");
  assert.equal(blocked.policy.status, "ok");
  assert.equal(blocked.policy.source, MANAGED_POLICY_SOURCE);
  assert.equal((await engine.check(draftOf(PRIVATE.slice(0, 4)), policy)).verdict.decision, "allow");
  // Back to the defaults when IT removes the policy.
  assert.equal((await engine.check(draftOf(PRIVATE.slice(0, 6)))).policy.status, "default");
});

test("a policy given as JSON text (a GPO string) is the same policy", async () => {
  const text = JSON.stringify({ minExposedParties: 5, rules: { "exposed-parties": { action: "block" } } });
  assert.equal((await engine.check(draftOf(PRIVATE.slice(0, 6)), text)).verdict.decision, "block");
});

const REFUSED = [
  { rules: { private: { action: "block" } } },
  { minExposedParties: "5" },
  { minExposedParties: 1 },
  ["not", "an", "object"],
  "{not json",
  42,
];

for (const policy of REFUSED) {
  test(`a refused managed policy ${JSON.stringify(policy)}: the host's error, the defaults apply`, async () => {
    const status = await engine.policyStatus(policy);
    assert.equal(status.status, "error");
    assert.equal(status.error.code, 302);
    assert.equal(status.error.name, "policy-invalid");
    assert.equal(status.source, MANAGED_POLICY_SOURCE);
    const answer = await engine.check(draftOf(PRIVATE), policy);
    assert.equal(answer.policy.status, "error");
    assert.equal(answer.verdict.decision, "warn", "the defaults decide");
    {
      const native = nativeCheck(draftOf(PRIVATE), policy).policy;
      assert.equal(native.status, "error");
      for (const key of ["code", "name", "message", "field"]) {
        assert.equal(status.error[key], native.error[key], `error.${key}`);
      }
    }
  });
}

test("a schema error names the key by JSON pointer", async () => {
  const status = await engine.policyStatus({ minExposedParties: "5" });
  assert.equal(status.error.field, "/minExposedParties");
});

test("the engine is loaded once and kept (one import per background wake)", async () => {
  let imports = 0;
  const counted = createBuiltinEngine({
    moduleOptions,
    importEngine: () => {
      imports += 1;
      return import("../../extension/thunderbird/bccshield-engine.mjs");
    },
  });
  await counted.check(draftOf(PRIVATE.slice(0, 1)));
  await counted.check(draftOf(PRIVATE));
  await counted.policyStatus(undefined);
  assert.equal(imports, 1);
  assert.equal(typeof counted.lastLoadMs(), "number");
});

test("an engine that cannot start is a host error (failed), and the next check tries again", async () => {
  let attempts = 0;
  const broken = createBuiltinEngine({
    importEngine: async () => {
      attempts += 1;
      throw new Error("module not found");
    },
  });
  await assert.rejects(broken.check(draftOf(PRIVATE)), (error) =>
    error instanceof HostError && error.kind === HOST_ERROR_KINDS.failed && /could not start/.test(error.message));
  await assert.rejects(broken.check(draftOf(PRIVATE)));
  assert.equal(attempts, 2);
});

test("a malformed draft is refused like the host refuses it (error reply -> host error)", async () => {
  await assert.rejects(engine.check({ from: "", to: [1], cc: [], bcc: [] }), (error) =>
    error instanceof HostError && error.kind === HOST_ERROR_KINDS.refused);
});

test("info: versions of the engine and its libraries", async () => {
  const info = await engine.info();
  assert.equal(info.hostVersion, EXTENSION_VERSION);
  assert.match(info.libidn2, /^\d+\.\d+/);
  assert.ok(info.publicSuffixList.suffixes > 1000);
});

test("policyText: undefined and null are the defaults; strings stay; objects become JSON", () => {
  assert.equal(policyText(undefined), "");
  assert.equal(policyText(null), "");
  assert.equal(policyText("{}"), "{}");
  assert.equal(policyText({ a: 1 }), "{\"a\":1}");
});
