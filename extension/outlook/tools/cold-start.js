#!/usr/bin/env node
// Cold cost of one Outlook event: classic Outlook starts a fresh JavaScript runtime per event and
// parses the whole bundle each time. Measures, in fresh `node` processes (the median of --runs):
// parse (compile the bundle), run until the engine is ready, and the first check of a 300-recipient
// draft, in a bare context as tests/outlook/vm-context.test.js uses. Several bundles are measured
// in turn, run by run, so a busy machine slows them alike.
//
//   node tools/cold-start.js BUNDLE... [--runs 11]
// A benchmark, not a test: nothing here asserts a time.
"use strict";

const fs = require("fs");
const vm = require("vm");
const { execFileSync } = require("child_process");

function child(file) {
  const started = process.hrtime.bigint();
  const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;
  const text = fs.readFileSync(file, "utf8");
  const parseStart = process.hrtime.bigint();
  const script = new vm.Script(text, { filename: "bccshield-outlook.js" });
  const parse = ms(parseStart);
  const context = vm.createContext({});
  const runStart = process.hrtime.bigint();
  script.runInContext(context);
  vm.runInContext("BccShieldEngine.ready", context)((error, engine) => {
    if (error) throw error;
    const ready = ms(runStart);
    const to = [];
    for (let i = 0; i < 300; i++) to.push(`Person ${i} <p${i}@${i % 2 ? "gmail.com" : `org${i}.example`}>`);
    const checkStart = process.hrtime.bigint();
    const reply = engine.check({ from: "Clerk <clerk@tourism.example>", to, cc: [], bcc: [], type: "new" });
    const check = ms(checkStart);
    if (!reply.result) throw new Error("no verdict");
    process.stdout.write(JSON.stringify({ parse, ready, check, total: ms(started) }));
  });
}

function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    child(args[1]);
    return;
  }
  const runsAt = args.indexOf("--runs");
  const runs = runsAt === -1 ? 11 : Number(args[runsAt + 1]);
  const files = runsAt === -1 ? args : args.filter((arg, i) => i !== runsAt && i !== runsAt + 1);
  if (files.length === 0 || !(runs > 0)) {
    process.stderr.write("usage: cold-start.js BUNDLE... [--runs N]\n");
    process.exit(2);
  }
  const samples = files.map(() => []);
  for (let i = 0; i < runs; i++) {
    files.forEach((file, index) => {
      samples[index].push(JSON.parse(execFileSync(process.execPath, [__filename, "--child", file], { encoding: "utf8" })));
    });
  }
  files.forEach((file, index) => {
    const result = { bundle: file, bundleBytes: fs.statSync(file).size, runs };
    for (const key of ["parse", "ready", "check", "total"]) {
      result[`${key}MsMedian`] = Number(median(samples[index].map((s) => s[key])).toFixed(1));
    }
    process.stdout.write(JSON.stringify(result) + "\n");
  });
}

main();
