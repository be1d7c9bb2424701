#!/usr/bin/env node
// Parity: the Emscripten engine (the Outlook add-in's) and the native `bccshield-host check`
// must give identical verdicts (decision, summary, findings, rewrite) for the same draft and
// policy: every check-*.request.json of tests/vectors (with its check-*.policy.json if any) and
// a few thousand random drafts from a seeded generator.
//
//   node tests/outlook/parity.js --engine bccshield-engine.js --host bccshield-host
//        --vectors tests/vectors [--random 3000] [--seed 20261127] [--corpus DIR] [--xpi-root DIR]
// --xpi-root: the Thunderbird XPI root (build/<preset>/extension/xpi): its built-in engine, loaded
// through the XPI's own modules/builtin-engine.mjs exactly as the extension loads it, must agree too
// (on the verdict as the extension reads it: recipients resolved to strings by recipient-refs.mjs).
// --corpus: a directory of JSON files whose "input"/"address" strings (address-list test cases
// of other parsers) are mixed into the random drafts.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const vm = require("vm");
const { spawnSync } = require("child_process");

function parseArgs(argv) {
  const options = { random: 3000, seed: 20261127 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "");
    options[name] = argv[i + 1];
  }
  for (const required of ["engine", "host", "vectors"]) {
    if (!options[required]) {
      process.stderr.write(`parity: --${required} is required\n`);
      process.exit(2);
    }
  }
  options.random = Number(options.random);
  options.seed = Number(options.seed);
  return options;
}

// --- the engine, in a bare context (no DOM, no WebAssembly), as in Outlook -----------------------

function loadEngine(file) {
  const context = vm.createContext({});
  vm.runInContext(fs.readFileSync(file, "utf8"), context, { filename: path.basename(file) });
  return new Promise((resolve, reject) => {
    vm.runInContext("createBccShieldEngine", context)({ print() {}, printErr() {} }).then((module) => {
      const call = (name, texts) => {
        const pointers = texts.map((text) => {
          const size = module.lengthBytesUTF8(text) + 1;
          const pointer = module._malloc(size);
          module.stringToUTF8(text, pointer, size);
          return pointer;
        });
        const out = module.UTF8ToString(module[`_${name}`](...pointers));
        pointers.forEach((pointer) => module._free(pointer));
        return JSON.parse(out);
      };
      resolve({
        loadPolicy: (text) => call("bccshield_load_policy", [text, "parity"]),
        check: (draft) => call("bccshield_check", [JSON.stringify(draft)]),
        info: () => call("bccshield_engine_info", []),
      });
    }, reject);
  });
}

// --- the built-in engine of the Thunderbird XPI, through the XPI's own loader ---------------------

async function loadXpiEngine(root) {
  const { pathToFileURL } = require("url");
  const url = (file) => pathToFileURL(path.join(root, file)).href;
  const { createBuiltinEngine } = await import(url("modules/builtin-engine.mjs"));
  const { resolveVerdict } = await import(url("modules/recipient-refs.mjs"));
  const wasm = path.join(root, "bccshield-engine.wasm");
  // Thunderbird fetches the .wasm beside the module; node is given the bytes.
  const moduleOptions = fs.existsSync(wasm) ? { wasmBinary: fs.readFileSync(wasm) } : {};
  const engine = createBuiltinEngine({ moduleOptions, now: () => Date.now() });
  return {
    flavour: fs.existsSync(wasm) ? "wasm" : "js",
    resolveVerdict,
    async check(draft, policyText) {
      try {
        return { result: (await engine.check(draft, policyText)).verdict };
      } catch (error) {
        if (error && error.kind === "refused") return { error: error.message };
        throw error;
      }
    },
  };
}

// --- comparison ------------------------------------------------------------------------------------

function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical(value[key]);
    return out;
  }
  return value;
}

function verdictOf(result) {
  const { decision, summary, findings, rewrite } = result;
  return JSON.stringify(canonical({ decision, summary, findings, rewrite: rewrite === undefined ? null : rewrite }));
}

function runNative(host, policyFile, draft) {
  // --wire: the result exactly as a client receives it, recipients by index (PROTOCOL.md).
  const run = spawnSync(host, ["check", "--wire", "--policy", policyFile, "-"], {
    input: JSON.stringify(draft), encoding: "utf8", maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status === 2) return { error: run.stderr.trim() };
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`bccshield-host check exited with ${run.status} (${run.signal || run.error || ""}): ${run.stderr}`);
  }
  const result = JSON.parse(run.stdout);
  if ((run.status === 0) !== (result.decision === "allow")) throw new Error(`exit status ${run.status} for ${result.decision}`);
  if (result.policy.status !== "ok") throw new Error(`native host refused the policy: ${JSON.stringify(result.policy)}`);
  return { result };
}

// --- the seeded generator ------------------------------------------------------------------------

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ORG_DOMAINS = ["tourisme-vallee.fr", "mairie.example", "acme.co.uk", "mail.acme.co.uk", "ACME.CO.UK.",
  "partner.de", "sub.partner.de", "ecole.example", "city.kawasaki.jp", "a.b.kawasaki.jp", "foo.blogspot.com",
  "bücher.example", "xn--bcher-kva.example", "ÄÖÜ.de", "例え.テスト", "müller。de", "straße.de", "σόλος.gr",
  "uni-x.ac.uk", "dept.uni-x.ac.uk", "[192.0.2.1]", "example.com", "EXAMPLE.com", "co.uk", "gov.uk", "xn--zz.com",
  "a..b", "-bad-.example", "localhost", "internal.tourisme-vallee.fr"];
const CONSUMER_DOMAINS = ["gmail.com", "GMail.com", "orange.fr", "wanadoo.fr", "free.fr", "hotmail.fr", "hotmail.co.uk",
  "yahoo.fr", "yahoo.co.uk", "gmx.de", "web.de", "laposte.net", "sfr.fr", "outlook.com", "icloud.com", "googlemail.com"];
const NAMES = ["Alice", "Bob Martin", "Zoé", "Ünal Şahin", "Martin, Paul", "O'Brien", "Jean \"Jo\" Dupont", "李雷",
  "=?UTF-8?Q?Am=C3=A9lie?=", "=?ISO-8859-1?Q?Andr=E9?=", "Dr. Who", "(comment) Carl", "", "  spaced  ", "a@b.c"];
const LOCALS = ["alice", "bob.martin", "zoe", "first.last", "x+tag", "\"quoted local\"", "o'brien", "A.Person", "info",
  "contact", "élève", "user_1"];
const ODD = ["", " ", "undisclosed-recipients:;", "no-at-sign", "@nodomain.example", "local@", "<>", "a@@b.example",
  "\"unterminated <x@y.example>", "x@y.example (comment)", "Team: a@team.example, b@team.example;",
  "Empty group:;", "=?UTF-8?B?w4lsb2RpZQ==?= <elodie@orange.fr>", "<angle@only.example>", "a@b.example,,c@d.example",
  "mixed: one@gmail.com; two@orange.fr", "toolong" + "x".repeat(300) + "@example.com", "a@b.example, (c) <d@e.example>"];

// Every "input"/"address" string (up to 2000 characters) found in the JSON files of a directory.
function loadCorpus(dir) {
  const strings = [];
  const walk = (value, key) => {
    if (typeof value === "string") {
      if ((key === "input" || key === "address") && value.length <= 2000) strings.push(value);
    } else if (Array.isArray(value)) {
      value.forEach((item) => walk(item, key));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  for (const name of fs.readdirSync(dir).sort()) {
    if (name.endsWith(".json") && !name.startsWith("pathological")) {
      walk(JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")), "");
    }
  }
  return strings;
}

function generator(seed, corpus) {
  const random = mulberry32(seed);
  const int = (n) => Math.floor(random() * n);
  const pick = (list) => list[int(list.length)];
  const chance = (p) => random() < p;

  function domain() {
    return chance(0.5) ? pick(CONSUMER_DOMAINS) : pick(ORG_DOMAINS);
  }
  function quoteName(name) {
    if (name === "" || /^=\?/.test(name) || /^[A-Za-z0-9 .'()]+$/.test(name)) return name;
    return `"${name.replace(/[\\"]/g, "\\$&")}"`;
  }
  function mailbox(pool) {
    const address = pool && chance(0.3) ? pick(pool) : `${pick(LOCALS)}${int(50)}@${domain()}`;
    const form = int(4);
    if (form === 0) return address;
    const name = pick(NAMES);
    if (name === "") return `<${address}>`;
    return `${quoteName(name)} <${address}>`;
  }
  function entry(pool) {
    const kind = int(20);
    if (corpus.length > 0 && kind < 4) return pick(corpus);
    if (kind === 0) return pick(ODD);
    if (kind === 1) return `${pick(["Parents", "Équipe", "List"])}: ${mailbox(pool)}, ${mailbox(pool)};`;
    if (kind === 2) return `${mailbox(pool)}, ${mailbox(pool)}`;
    return mailbox(pool);
  }
  function list(pool, max) {
    const size = chance(0.05) ? 20 + int(300) : int(max);
    const out = [];
    for (let i = 0; i < size; i++) out.push(entry(pool));
    return out;
  }
  function sender() {
    const kind = int(10);
    if (kind === 0) return "";
    if (kind === 1) return mailbox(null).replace(/@.*>?$/, "@gmail.com>");
    if (kind === 2) return pick(ODD);
    return `${quoteName(pick(NAMES))} <${pick(["accueil", "clerk", "secretariat"])}@${pick(ORG_DOMAINS.slice(0, 10))}>`;
  }
  function draft() {
    const pool = [];
    for (let i = 0; i < 5; i++) pool.push(`${pick(LOCALS)}@${domain()}`);
    const out = { from: sender(), to: list(pool, 14), cc: list(pool, 6), bcc: list(pool, 4) };
    if (chance(0.01)) {
      // Malformed drafts: both sides must refuse them (exit 2 / error 204).
      const broken = int(4);
      if (broken === 0) out.to = [1, "a@b.example"];
      else if (broken === 1) out.type = "fax";
      else if (broken === 2) out.cc = { a: "b@c.example" };
      else out.from = 42;
      return out;
    }
    const type = int(8);
    if (type === 0 || type === 1) {
      out.type = "reply";
      out.original = { from: mailbox(pool), to: list(pool, 20), cc: list(pool, 5) };
    } else if (type === 2) {
      out.type = pick(["forward", "draft", "template", "redirect", "new"]);
    }
    return out;
  }
  function policy() {
    const out = {};
    if (chance(0.5)) out.internalDomains = [pick(ORG_DOMAINS.slice(0, 10)), pick(["acme.co.uk", "partner.de", "bücher.example"])];
    if (chance(0.5)) out.minExposedParties = 2 + int(12);
    if (chance(0.3)) out.consumerDomains = [pick(["partner.de", "mairie.example", "example.com"])];
    if (chance(0.3)) out.largeAudienceAddresses = { [`all@${pick(ORG_DOMAINS.slice(0, 10))}`]: 10 + int(500), "parents@ecole.example": 350 };
    if (chance(0.6)) {
      out.rules = {};
      for (const rule of ["exposed-parties", "reply-exposure", "large-alias", "unparsable-recipient"]) {
        if (chance(0.5)) out.rules[rule] = { action: pick(["allow", "warn", "justify", "convert", "block"]) };
      }
    }
    if (chance(0.5)) out.rewriteStrategy = pick(["self", "undisclosed", "keep-internal"]);
    return out;
  }
  return { draft, policy };
}

// --- main ------------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const engine = await loadEngine(options.engine);
  const xpi = options["xpi-root"] ? await loadXpiEngine(options["xpi-root"]) : null;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bccshield-parity-"));
  let policyCounter = 0;
  const cases = [];

  function policyCase(policyText) {
    const file = path.join(tmp, `policy-${policyCounter++}.json`);
    fs.writeFileSync(file, policyText);
    return { file, text: policyText };
  }

  const defaults = policyCase("{}\n");
  for (const name of fs.readdirSync(options.vectors).sort()) {
    const match = /^(check-.*)\.request\.json$/.exec(name);
    if (!match) continue;
    const request = JSON.parse(fs.readFileSync(path.join(options.vectors, name), "utf8"));
    const policyPath = path.join(options.vectors, `${match[1]}.policy.json`);
    const policy = fs.existsSync(policyPath) ? policyCase(fs.readFileSync(policyPath, "utf8")) : defaults;
    cases.push({ label: name, draft: request.draft, policy });
  }
  const vectorCount = cases.length;
  if (vectorCount === 0) throw new Error(`no check-*.request.json in ${options.vectors}`);

  const corpus = options.corpus ? loadCorpus(options.corpus) : [];
  const gen = generator(options.seed, corpus);
  const policies = [defaults];
  for (let i = 0; i < 12; i++) {
    const candidate = JSON.stringify(gen.policy());
    const status = engine.loadPolicy(candidate);
    if (status.status === "ok") policies.push(policyCase(candidate));
  }
  for (let i = 0; i < options.random; i++) {
    cases.push({ label: `random #${i} (seed ${options.seed})`, draft: gen.draft(), policy: policies[i % policies.length] });
  }

  const failures = [];
  const decisions = {};
  let rejectedBoth = 0;
  let xpiAgreed = 0;
  let currentPolicy = null;
  for (const item of cases) {
    if (currentPolicy !== item.policy) {
      const status = engine.loadPolicy(item.policy.text);
      if (status.status !== "ok" && item.policy !== defaults) throw new Error(`engine refused ${item.policy.file}: ${JSON.stringify(status.error)}`);
      currentPolicy = item.policy;
    }
    const native = runNative(options.host, item.policy.file, item.draft);
    const reply = engine.check(item.draft);
    if (native.error || reply.error) {
      const xpiReply = xpi ? await xpi.check(item.draft, item.policy.text) : null;
      if (xpiReply && !xpiReply.error) {
        failures.push({ label: item.label, problem: "the XPI engine accepted a draft another side rejected", native: native.error, engine: reply.error });
        continue;
      }
      if (native.error && reply.error) {
        rejectedBoth += 1;
        if (xpi) xpiAgreed += 1;
        continue;
      }
      failures.push({ label: item.label, problem: "one side rejected the draft", native: native.error, engine: reply.error });
      continue;
    }
    const a = verdictOf(native.result);
    const b = verdictOf(reply.result);
    decisions[native.result.decision] = (decisions[native.result.decision] || 0) + 1;
    if (a !== b) failures.push({ label: item.label, draft: item.draft, policy: item.policy.text, native: a, engine: b });
    if (xpi) {
      const builtin = await xpi.check(item.draft, item.policy.text);
      const expected = verdictOf(xpi.resolveVerdict(JSON.parse(JSON.stringify(native.result)), item.draft));
      const got = builtin.result ? verdictOf(builtin.result) : `refused: ${builtin.error}`;
      if (got !== expected) failures.push({ label: item.label, draft: item.draft, policy: item.policy.text, native: expected, xpiEngine: got });
      else xpiAgreed += 1;
    }
  }

  const info = engine.info();
  process.stdout.write(
    `parity: ${cases.length - failures.length}/${cases.length} agree ` +
      `(${cases.length - failures.length - rejectedBoth} identical verdicts, ${rejectedBoth} drafts refused by both) ` +
      `(${vectorCount} vectors, ${options.random} random drafts, seed ${options.seed}, ${policies.length} policies, ` +
      `${corpus.length} corpus strings; ` +
      `decisions ${JSON.stringify(decisions)})\n` +
      `engine: libidn2 ${info.libidn2}, libpsl ${info.libpsl}, PSL sha1 ${info.publicSuffixList.sha1}\n` +
      (xpi ? `xpi engine (${xpi.flavour}, ${options["xpi-root"]}): ${xpiAgreed}/${cases.length} agree with the native host\n` : "")
  );
  if (xpi && xpiAgreed !== cases.length && failures.length === 0) failures.push({ problem: "xpi engine count mismatch" });
  for (const failure of failures.slice(0, 5)) process.stdout.write(`MISMATCH ${JSON.stringify(failure, null, 1)}\n`);
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((error) => {
  process.stderr.write(`parity: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
