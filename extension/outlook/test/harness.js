// Test harness: loads the built one-file bundle into a bare vm context (no DOM, no WebAssembly,
// no Node globals) with a mocked Office (office-addin-mock), as Outlook's event runtime would.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const vm = require("vm");
const { execFileSync } = require("child_process");
let OfficeMockObject;
try {
  ({ OfficeMockObject } = require("office-addin-mock"));
} catch (error) {
  // One line, no stack: the build runs npm ci itself (extension/outlook/CMakeLists.txt); when it
  // could not (offline, no npm), this is the command to run.
  process.stderr.write(`office-addin-mock is missing: run "cd ${path.resolve(__dirname, "..")} && npm ci --no-audit --no-fund"\n`);
  process.exit(1);
}

const ROOT = path.resolve(__dirname, "..");
const REPO = path.resolve(ROOT, "..", "..");
const ADDIN_DIR = process.env.BCCSHIELD_OUTLOOK_DIR || path.join(REPO, "build", "dev", "outlook");
const ENGINE = process.env.BCCSHIELD_OUTLOOK_ENGINE || path.join(REPO, "build", "dev", "outlook-engine", "bccshield-engine.js");
const FIELD_CAPACITY = 500; // classic Outlook up to Mailbox 1.15
const PER_CALL_LIMIT = 100;

const bundles = new Map();

// The bundle built by CMake, or one built here with another policy or engine-error setting
// (same build tool).
function bundle(policy, onEngineError) {
  if (!policy && !onEngineError) return fs.readFileSync(path.join(ADDIN_DIR, "bccshield-outlook.js"), "utf8");
  const key = JSON.stringify([policy, onEngineError]);
  if (!bundles.has(key)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bccshield-outlook-"));
    const args = [path.join(ROOT, "tools", "build-addin.js"), "--engine", ENGINE, "--out", dir];
    if (policy) {
      fs.writeFileSync(path.join(dir, "policy.json"), JSON.stringify(policy));
      args.push("--policy", path.join(dir, "policy.json"));
    }
    if (onEngineError) args.push("--on-engine-error", onEngineError);
    execFileSync(process.execPath, args, { stdio: "pipe" });
    bundles.set(key, fs.readFileSync(path.join(dir, "bccshield-outlook.js"), "utf8"));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return bundles.get(key);
}

function versionAtMost(version, max) {
  const a = version.split(".").map(Number);
  const b = max.split(".").map(Number);
  return a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
}

const later = (fn) => Promise.resolve().then(fn);
const ok = (value) => ({ status: "succeeded", value });
const fail = (message) => ({ status: "failed", error: { name: "MockError", message } });

// A compose item with To/Cc/Bcc/From as Office gives them, recording every write.
function makeOutlook(options) {
  const opts = Object.assign({ to: [], cc: [], bcc: [], language: "en-US", mailbox: "1.15", composeType: "newMail",
    failGet: false }, options);
  const state = {
    to: opts.to.slice(), cc: opts.cc.slice(), bcc: opts.bcc.slice(),
    calls: [], notifications: new Map(), handlers: {},
  };
  const copy = (d) => ({ displayName: d.displayName, emailAddress: d.emailAddress, recipientType: "externalUser" });
  function field(name) {
    return {
      getAsync(callback) {
        later(() => callback(opts.failGet ? fail("recipients unavailable") : ok(state[name].map(copy))));
      },
      setAsync(list, callback) {
        state.calls.push({ field: name, op: "set", count: list.length });
        if (list.length > PER_CALL_LIMIT) return later(() => callback(fail("more than 100 recipients in one call")));
        state[name] = Array.from(list, (d) => (typeof d === "string" ? { displayName: d, emailAddress: d } : copy(d)));
        return later(() => callback(ok()));
      },
      addAsync(list, callback) {
        state.calls.push({ field: name, op: "add", count: list.length });
        if (list.length > PER_CALL_LIMIT) return later(() => callback(fail("more than 100 recipients in one call")));
        if (state[name].length + list.length > FIELD_CAPACITY) return later(() => callback(fail("field is full")));
        state[name] = state[name].concat(Array.from(list, copy));
        return later(() => callback(ok()));
      },
    };
  }
  const item = {
    to: field("to"), cc: field("cc"), bcc: field("bcc"),
    getComposeTypeAsync(callback) {
      later(() => callback(ok({ composeType: opts.composeType, coercionType: "html" })));
    },
    notificationMessages: {
      replaceAsync(key, message, callback) {
        state.notifications.set(key, message);
        later(() => callback(ok()));
      },
      removeAsync(key, callback) {
        state.notifications.delete(key);
        later(() => callback(ok()));
      },
    },
  };
  if (opts.from !== undefined) {
    item.from = {
      getAsync(callback) {
        later(() => callback(opts.from ? ok(copy(opts.from)) : fail("no sender")));
      },
    };
  }
  const mailbox = { item };
  if (opts.profile) mailbox.userProfile = opts.profile;
  const office = new OfficeMockObject({
    context: {
      displayLanguage: opts.language,
      requirements: { isSetSupported: (set, version) => set === "Mailbox" && versionAtMost(version, opts.mailbox) },
      mailbox,
    },
    actions: { associate: (name, fn) => { state.handlers[name] = fn; } },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    MailboxEnums: {
      SendModeOverride: { PromptUser: "promptUser" },
      ItemNotificationMessageType: { InformationalMessage: "informationalMessage" },
    },
  }, "outlook");
  return { office, state };
}

// Loads the bundle with this Office and returns the handlers it registered.
function load(outlook, policy, onEngineError) {
  const context = vm.createContext({ Office: outlook.office });
  vm.runInContext(bundle(policy, onEngineError), context, { filename: "bccshield-outlook.js" });
  return { context, handlers: outlook.state.handlers };
}

// Runs one registered handler and resolves with what it passed to event.completed().
function fire(handlers, name, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not complete in ${timeoutMs} ms`)), timeoutMs);
    handlers[name]({
      completed(options) {
        clearTimeout(timer);
        resolve(options === undefined ? undefined : JSON.parse(JSON.stringify(options)));
      },
    });
  });
}

function people(count, domain = (i) => `mail${i}.example`) {
  const list = [];
  for (let i = 0; i < count; i++) list.push({ displayName: `Person ${i}`, emailAddress: `person${i}@${domain(i)}` });
  return list;
}

module.exports = { bundle, makeOutlook, load, fire, people, ADDIN_DIR, ENGINE, ROOT };
