/* BccShield Outlook add-in: the C++ engine (Emscripten, plain JavaScript, no WebAssembly).
 * createBccShieldEngine comes from the generated bccshield-engine.js that the build puts in
 * front of this file; BCCSHIELD_BUILD (policy text, settings) is written by tools/build-addin.js.
 * ES2016, no modules. */
/* global createBccShieldEngine, BCCSHIELD_BUILD */
/* exported BccShieldEngine */
var BccShieldEngine = (function () {
  "use strict";

  var build = typeof BCCSHIELD_BUILD === "object" && BCCSHIELD_BUILD ? BCCSHIELD_BUILD : {};
  var state = { module: null, error: null, waiting: [], policyStatus: null, started: false };

  function withString(module, text, use) {
    var size = module.lengthBytesUTF8(text) + 1;
    var pointer = module._malloc(size);
    if (!pointer) throw new Error("out of memory");
    try {
      module.stringToUTF8(text, pointer, size);
      return use(pointer);
    } finally {
      module._free(pointer);
    }
  }

  // The engine's NUL-terminated UTF-8 answer as a string. Emscripten's UTF8ToString appends one
  // character at a time when TextDecoder is absent, as in classic Outlook's runtime (and
  // tests/outlook/vm-context.test.js): on the 24 KB reply to a 300-recipient check, 7% of the
  // first check's instructions. Here the UTF-16 code units go into a typed array, turned into
  // text in blocks; the decoding steps are UTF8ToString's own (test/engine-text.test.js compares
  // both).
  var BLOCK = 4096;
  function readText(module, pointer) {
    if (!pointer || typeof TextDecoder === "function") return module.UTF8ToString(pointer);
    var heap = module.HEAPU8;
    var end = pointer;
    while (heap[end]) ++end;
    // At most one unit per byte; + 4: a sequence cut by the NUL reads on, as UTF8ToString does.
    var units = new Uint16Array(end - pointer + 4);
    var count = 0;
    for (var at = pointer; at < end; ) {
      var u0 = heap[at++];
      if (!(u0 & 0x80)) {
        units[count++] = u0;
        continue;
      }
      var u1 = heap[at++] & 63;
      if ((u0 & 0xe0) === 0xc0) {
        units[count++] = ((u0 & 31) << 6) | u1;
        continue;
      }
      var u2 = heap[at++] & 63;
      if ((u0 & 0xf0) === 0xe0) {
        u0 = ((u0 & 15) << 12) | (u1 << 6) | u2;
      } else {
        u0 = ((u0 & 7) << 18) | (u1 << 12) | (u2 << 6) | (heap[at++] & 63);
      }
      if (u0 < 0x10000) {
        units[count++] = u0;
      } else {
        var ch = u0 - 0x10000;
        units[count++] = 0xd800 | (ch >> 10);
        units[count++] = 0xdc00 | (ch & 0x3ff);
      }
    }
    var parts = [];
    for (var from = 0; from < count; from += BLOCK) {
      parts.push(String.fromCharCode.apply(null, units.subarray(from, Math.min(from + BLOCK, count))));
    }
    return parts.join("");
  }

  function callText(name, texts) {
    var module = state.module;
    var pointers = [];
    var index = 0;
    function next() {
      if (index < texts.length) {
        return withString(module, String(texts[index++]), function (pointer) {
          pointers.push(pointer);
          return next();
        });
      }
      return readText(module, module["_" + name].apply(null, pointers));
    }
    return next();
  }

  function settle() {
    var waiting = state.waiting;
    state.waiting = [];
    for (var i = 0; i < waiting.length; i++) waiting[i](state.error, state.module ? api : null);
  }

  function onLoaded(module) {
    state.module = module;
    try {
      state.policyStatus = JSON.parse(callText("bccshield_load_policy", [build.policyText || "", build.policySource || ""]));
    } catch (error) {
      state.error = error;
      state.module = null;
    }
    settle();
  }

  function start() {
    if (state.started) return;
    state.started = true;
    try {
      if (typeof createBccShieldEngine !== "function") throw new Error("engine missing from the bundle");
      // print/printErr given, so the engine never needs a console (absent in some runtimes).
      createBccShieldEngine({ print: function () {}, printErr: function () {} }).then(onLoaded, function (error) {
        state.error = error || new Error("engine failed to start");
        settle();
      });
    } catch (error) {
      state.error = error;
      settle();
    }
  }

  // callback(error, engine) once the engine is ready (immediately when it already is).
  function ready(callback) {
    start();
    if (state.module || state.error) {
      callback(state.error, state.module ? api : null);
      return;
    }
    state.waiting.push(callback);
  }

  // A draft (PROTOCOL.md "check") -> the protocol reply object: {result: verdict} or {error}.
  function check(draft) {
    return JSON.parse(callText("bccshield_check", [JSON.stringify(draft)]));
  }

  // The check under the organisation's policy plus extra largeAudienceAddresses (distribution
  // lists Outlook cannot expand): a per-check copy of the effective policy is loaded, then the
  // baked-in policy again, so no other check sees the extra entries. The engine binding takes one
  // policy at a time; the C++ core is unchanged.
  function checkWithAudiences(draft, audiences) {
    var effective = state.policyStatus && state.policyStatus.policy ? state.policyStatus.policy : {};
    var copy = JSON.parse(JSON.stringify(effective));
    copy.largeAudienceAddresses = copy.largeAudienceAddresses || {};
    Object.keys(audiences).forEach(function (address) {
      if (!Object.prototype.hasOwnProperty.call(copy.largeAudienceAddresses, address)) {
        copy.largeAudienceAddresses[address] = audiences[address];
      }
    });
    try {
      var status = JSON.parse(callText("bccshield_load_policy", [JSON.stringify(copy), "outlook-distribution-lists"]));
      if (status.status === "error") throw new Error("distribution-list policy refused: " + status.error.message);
      return check(draft);
    } finally {
      callText("bccshield_load_policy", [build.policyText || "", build.policySource || ""]);
    }
  }

  function info() {
    return JSON.parse(callText("bccshield_engine_info", []));
  }

  function policyStatus() {
    return state.policyStatus;
  }

  var api = { check: check, checkWithAudiences: checkWithAudiences, info: info, policyStatus: policyStatus };

  return { ready: ready, settings: build };
})();
