// The text crossing between engine.js and the C++ engine (host/wasm/engine_binding.cpp), on the
// paths the cold-start work made faster: engine.js decodes the engine's UTF-8 itself where
// TextDecoder is absent (classic Outlook), and bccshield_check splices the draft's text into the
// request instead of parsing and re-serialising it.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const REPO = path.resolve(__dirname, "..", "..", "..");
const ADDIN_DIR = process.env.BCCSHIELD_OUTLOOK_DIR || path.join(REPO, "build", "dev", "outlook");
const BUNDLE = fs.readFileSync(path.join(ADDIN_DIR, "bccshield-outlook.js"), "utf8");

// A bare context as classic Outlook's (no TextDecoder), or one with Node's TextDecoder, through
// which Emscripten's own UTF8ToString decodes.
function load(withTextDecoder) {
  const context = vm.createContext(withTextDecoder ? { TextDecoder } : {});
  vm.runInContext(BUNDLE, context, { filename: "bccshield-outlook.js" });
  return new Promise((resolve, reject) => {
    vm.runInContext("BccShieldEngine.ready", context)((error, engine) => (error ? reject(error) : resolve({ context, engine })));
  });
}

// The reply echoes the sender (rewrite.to): a display name with characters of every UTF-8 length,
// 2 bytes (ë, Å), 3 bytes (CJK), 4 bytes (emoji: a surrogate pair in JavaScript), and an ASCII run
// longer than the decoder's 4,096-unit blocks.
const SENDER_NAME = `Zoë Ångström 李小龍 😀 Ωmega 🚀 ${"A".repeat(5000)} Ça va`;
const DRAFT = {
  from: `"${SENDER_NAME}" <clerk@tourism.example>`,
  to: Array.from({ length: 12 }, (_, i) => `Person ${i} <p${i}@gmail.com>`),
  cc: [],
  bcc: [],
};

test("engine.js decodes the engine's UTF-8 exactly as TextDecoder does", async () => {
  const bare = await load(false);
  const decoder = await load(true);
  const mine = bare.engine.check(DRAFT);
  const theirs = decoder.engine.check(DRAFT);
  delete mine.result.checkId;
  delete theirs.result.checkId;
  // Compared as text: objects of two vm contexts have different prototypes.
  const text = JSON.stringify(mine);
  assert.equal(text, JSON.stringify(theirs));
  // The reply really carries the name (else this would compare ASCII only).
  assert.equal(mine.result.decision, "warn");
  assert.ok(mine.result.rewrite.to[0].includes(SENDER_NAME));
  assert.equal(JSON.stringify(bare.engine.info()), JSON.stringify(decoder.engine.info()));
});

// The raw entry point, as tests/outlook/vm-context.test.js calls it.
function raw(context, name, texts) {
  return vm.runInContext(`(function (name, texts) {
    return createBccShieldEngine({ print: function () {}, printErr: function () {} }).then(function (m) {
      var pointers = texts.map(function (t) {
        var size = m.lengthBytesUTF8(t) + 1; var p = m._malloc(size); m.stringToUTF8(t, p, size); return p;
      });
      return JSON.parse(m.UTF8ToString(m["_" + name].apply(null, pointers)));
    });
  })`, context)(name, texts);
}

test("bccshield_check splices only one whole JSON value into the request", async () => {
  const { context } = await load(false);
  // Text that would add keys to the request if it were pasted in unchecked.
  const injected = await raw(context, "bccshield_check", ['{"from": "a@tourism.example", "to": []}, "type": "hello"']);
  assert.equal(injected.error.code, 201);
  assert.equal(injected.result, undefined);
  assert.match(injected.error.message, /the draft is not valid JSON/);
  // A number no double holds: an error reply, not an abort.
  const huge = await raw(context, "bccshield_check", ['{"from": "a@tourism.example", "to": [], "n": 1e309}']);
  assert.equal(huge.error.code, 201);
  // Surrounding whitespace is still one value; the draft is checked as before.
  const spaced = await raw(context, "bccshield_check", [` \n${JSON.stringify(DRAFT)}\t `]);
  assert.equal(spaced.result.decision, "warn");
  // A leading byte-order mark, which json::accept skips, is not spliced into the request.
  const marked = await raw(context, "bccshield_check", [`\uFEFF${JSON.stringify(DRAFT)}`]);
  assert.equal(marked.result && marked.result.decision, "warn");
  // Not an object: the core's own answer (the draft must be an object), as the host gives it.
  const notObject = await raw(context, "bccshield_check", ["[1]"]);
  assert.ok(notObject.error && notObject.error.code !== 201);
});
