// The one-file bundle runs where classic Outlook runs it: a bare JavaScript context with no DOM,
// no WebAssembly, no Node globals (no require, process, setTimeout, TextDecoder).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const dir = process.env.BCCSHIELD_OUTLOOK_DIR;
const bundlePath = path.join(dir, "bccshield-outlook.js");

function bareContext(extra) {
  const touched = new Set();
  const sandbox = {};
  // Names the bundle must not need. Reading them is allowed (feature tests), using them is not:
  // they are all undefined here.
  for (const name of ["WebAssembly", "window", "document", "self", "importScripts", "process", "require",
    "module", "setTimeout", "setInterval", "TextDecoder", "TextEncoder", "fetch", "XMLHttpRequest", "console"]) {
    Object.defineProperty(sandbox, name, {
      get() {
        touched.add(name);
        return undefined;
      },
      configurable: true,
    });
  }
  Object.assign(sandbox, extra || {});
  return { context: vm.createContext(sandbox), touched };
}

function whenReady(context) {
  return new Promise((resolve, reject) => {
    vm.runInContext("BccShieldEngine.ready", context)((error, engine) => (error ? reject(error) : resolve(engine)));
  });
}

test("the bundle loads and decides in a bare context without WebAssembly", async (t) => {
  const { context, touched } = bareContext();
  vm.runInContext(fs.readFileSync(bundlePath, "utf8"), context, { filename: "bccshield-outlook.js" });
  assert.equal(vm.runInContext("typeof WebAssembly", context), "undefined");
  const engine = await whenReady(context);
  const to = [];
  for (let i = 0; i < 12; i++) to.push(`Person ${i} <p${i}@gmail.com>`);
  const reply = engine.check({ from: "Clerk <clerk@tourism.example>", to, cc: [], bcc: [] });
  assert.equal(reply.result.decision, "warn");
  assert.equal(reply.result.rewrite.bcc.length, 12);
  const allow = engine.check({ from: "clerk@tourism.example", to: ["a@tourism.example"], cc: [], bcc: [] });
  assert.equal(allow.result.decision, "allow");
  const bad = engine.check({ from: "x@y.example", to: [1] });
  assert.equal(bad.error.code, 204);
  const info = engine.info();
  assert.equal(info.libidn2.length > 0, true);
  assert.equal(info.publicSuffixList.suffixes > 9000, true);
  // Globals the bundle looked at (feature detection only, since every one of them is absent).
  t.diagnostic(`globals probed: ${[...touched].sort().join(", ") || "none"}`);
});

test("the handler registers with Office.actions.associate without Office.onReady", async () => {
  const registered = {};
  const { context } = bareContext({
    Office: { actions: { associate: (name, fn) => { registered[name] = typeof fn; } }, context: {} },
  });
  vm.runInContext(fs.readFileSync(bundlePath, "utf8"), context);
  assert.deepEqual(registered, {
    onMessageSendHandler: "function",
    onMessageRecipientsChangedHandler: "function",
    convertToBcc: "function",
  });
  await whenReady(context);
});

test("IDN and public-suffix data are inside the bundle (no network, no files)", async () => {
  const { context } = bareContext();
  vm.runInContext(fs.readFileSync(bundlePath, "utf8"), context);
  const engine = await whenReady(context);
  const reply = engine.check({
    from: "clerk@tourism.example",
    to: ["a@mail.acme.co.uk", "b@acme.co.uk", "c@Bücher.example", "d@xn--bcher-kva.example"],
    cc: [], bcc: [],
  });
  assert.equal(reply.result.summary.externalParties, 2);
});

// The engine catches C++ exceptions only in the functions host/wasm/CMakeLists.txt lists
// (EXCEPTION_CATCHING_ALLOWED): each one must still turn an error into an answer, not an abort.
test("every catching function still answers errors (EXCEPTION_CATCHING_ALLOWED names are current)", async () => {
  const { context } = bareContext();
  vm.runInContext(fs.readFileSync(bundlePath, "utf8"), context);
  const engine = await whenReady(context);
  // bccshield_check: its own JSON parse of the draft.
  const module = vm.runInContext("createBccShieldEngine", context);
  assert.equal(typeof module, "function");
  const call = (name, texts) => vm.runInContext(`(function (texts) {
    var m = null;
    return createBccShieldEngine({ print: function () {}, printErr: function () {} }).then(function (mod) {
      m = mod;
      var pointers = texts.map(function (t) {
        var size = m.lengthBytesUTF8(t) + 1; var p = m._malloc(size); m.stringToUTF8(t, p, size); return p;
      });
      return JSON.parse(m.UTF8ToString(m["_${name}"].apply(null, pointers)));
    });
  })`, context)(texts);
  assert.equal((await call("bccshield_check", ["{not json"])).error.code, 201);
  // handle_message: a ProtocolError thrown deep in the check.
  assert.equal(engine.check({ from: "x@y.example", to: [1] }).error.code, 204);
  // bccshield_load_policy: a PolicyError; policy_from_text: the policy's JSON parse error.
  const refused = await call("bccshield_load_policy", ['{"minExposedParties": 1}', "test"]);
  assert.equal(refused.status, "error");
  assert.match(refused.error.message, /minExposedParties|must be/);
  const garbled = await call("bccshield_load_policy", ["{not json", "test"]);
  assert.equal(garbled.status, "error");
  assert.match(garbled.error.message, /not valid JSON/);
});
