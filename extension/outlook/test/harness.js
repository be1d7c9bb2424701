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
const READ_CAP = 1000; // getAsync returns at most this many (web and new Outlook hold more)

const bundles = new Map();

// The bundle built by CMake, or one built here with another policy or engine-error setting
// (same build tool).
function bundle(policy, onEngineError) {
  if (!policy && !onEngineError) return fs.readFileSync(path.join(ADDIN_DIR, "bccshield-outlook.js"), "utf8");
  const key = JSON.stringify([policy, onEngineError]);
  if (!bundles.has(key)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bccshield-outlook-"));
    // The version CMake gave the built add-in (build-addin.js requires one).
    const { version } = JSON.parse(fs.readFileSync(path.join(ADDIN_DIR, "manifest.json"), "utf8"));
    const args = [path.join(ROOT, "tools", "build-addin.js"), "--engine", ENGINE, "--out", dir, "--version", version];
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
// Entries marked {unresolved: true} are in the field but getAsync does not return them (Office
// returns resolved recipients only); setAsync overwrites them like everything else.
// Options for failure paths: requirements: "missing" (isSetSupported undefined, office-js #5091),
// sendAsync (the Mailbox 1.15 method, for feature detection), throwAt: n (the n-th Office call,
// counted from 0, throws), dropOnAdd: FIELD (that field's addAsync reports success, keeps nothing).
function makeOutlook(options) {
  const opts = Object.assign({ to: [], cc: [], bcc: [], language: "en-US", mailbox: "1.15", composeType: "newMail",
    failGet: false, requirements: "present", sendAsync: false, throwAt: -1, dropOnAdd: "" }, options);
  const state = {
    to: opts.to.slice(), cc: opts.cc.slice(), bcc: opts.bcc.slice(),
    calls: [], notifications: new Map(), handlers: {}, officeCalls: 0,
  };
  const copy = (d) => ({ displayName: d.displayName, emailAddress: d.emailAddress,
    recipientType: d.recipientType || "externalUser" });
  // Counts every Office call; the throwAt-th one throws synchronously.
  const call = (what) => {
    if (state.officeCalls++ === opts.throwAt) throw new Error(`injected failure in ${what}`);
  };
  function field(name) {
    return {
      getAsync(callback) {
        call(`${name}.getAsync`);
        const returned = state[name].filter((d) => !d.unresolved).slice(0, READ_CAP).map(copy);
        later(() => callback(opts.failGet ? fail("recipients unavailable") : ok(returned)));
      },
      setAsync(list, callback) {
        call(`${name}.setAsync`);
        state.calls.push({ field: name, op: "set", count: list.length });
        if (list.length > PER_CALL_LIMIT) return later(() => callback(fail("more than 100 recipients in one call")));
        state[name] = Array.from(list, (d) => (typeof d === "string" ? { displayName: d, emailAddress: d } : copy(d)));
        return later(() => callback(ok()));
      },
      addAsync(list, callback) {
        call(`${name}.addAsync`);
        state.calls.push({ field: name, op: "add", count: list.length });
        if (list.length > PER_CALL_LIMIT) return later(() => callback(fail("more than 100 recipients in one call")));
        if (state[name].length + list.length > FIELD_CAPACITY) return later(() => callback(fail("field is full")));
        if (opts.dropOnAdd !== name) state[name] = state[name].concat(Array.from(list, copy));
        return later(() => callback(ok()));
      },
    };
  }
  const item = {
    to: field("to"), cc: field("cc"), bcc: field("bcc"),
    getComposeTypeAsync(callback) {
      call("getComposeTypeAsync");
      later(() => callback(ok({ composeType: opts.composeType, coercionType: "html" })));
    },
    notificationMessages: {
      replaceAsync(key, message, callback) {
        call("notificationMessages.replaceAsync");
        state.notifications.set(key, message);
        later(() => callback(ok()));
      },
      removeAsync(key, callback) {
        call("notificationMessages.removeAsync");
        state.notifications.delete(key);
        later(() => callback(ok()));
      },
    },
  };
  if (opts.sendAsync) item.sendAsync = () => {};
  if (opts.from !== undefined) {
    item.from = {
      getAsync(callback) {
        call("from.getAsync");
        later(() => callback(opts.from ? ok(copy(opts.from)) : fail("no sender")));
      },
    };
  }
  const mailbox = { item };
  if (opts.profile) mailbox.userProfile = opts.profile;
  const office = new OfficeMockObject({
    context: {
      displayLanguage: opts.language,
      requirements: opts.requirements === "missing" ? {}
        : { isSetSupported: (set, version) => set === "Mailbox" && versionAtMost(version, opts.mailbox) },
      mailbox,
    },
    actions: { associate: (name, fn) => { state.handlers[name] = fn; } },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    MailboxEnums: Object.assign({
      ItemNotificationMessageType: { InformationalMessage: "informationalMessage" },
      RecipientType: { DistributionList: "distributionList", User: "user", ExternalUser: "externalUser", Other: "other" },
    }, versionAtMost("1.14", opts.mailbox) ? { SendModeOverride: { PromptUser: "promptUser" } } : {}),
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

// Runs one handler and resolves with every options object passed to event.completed(), once the
// handler's work has settled (the mock's callbacks are microtasks; two macrotask turns flush them).
async function fireAll(handlers, name) {
  const completions = [];
  const first = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not complete`)), 10000);
    handlers[name]({
      completed(options) {
        completions.push(options === undefined ? undefined : JSON.parse(JSON.stringify(options)));
        clearTimeout(timer);
        resolve();
      },
    });
  });
  await first;
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  return completions;
}

function people(count, domain = (i) => `mail${i}.example`) {
  const list = [];
  for (let i = 0; i < count; i++) list.push({ displayName: `Person ${i}`, emailAddress: `person${i}@${domain(i)}` });
  return list;
}

module.exports = { bundle, makeOutlook, load, fire, fireAll, people, ADDIN_DIR, ENGINE, ROOT };
