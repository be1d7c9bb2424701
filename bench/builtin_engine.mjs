#!/usr/bin/env node
// The two flavours of the Thunderbird XPI's built-in engine (host/wasm: plain JS and WebAssembly),
// measured side by side in fresh `node` processes, run by run (a busy machine slows both alike):
// size raw and gzip, load (read + import/compile + instantiate + defaults policy), first check
// and warm check (median of 20 after it) of a 300-recipient draft.
//
//   node bench/builtin_engine.mjs build/ci/outlook-engine/thunderbird [--runs 9]
// A benchmark, not a test: nothing here asserts a time. The figures in Thunderbird itself come
// from tests/e2e/run_builtin_engine.py.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const DRAFT = {
  from: "Accueil <accueil@tourisme-vallee.fr>",
  to: Array.from({ length: 300 }, (_, i) => `Person ${i} <p${i}@${i % 2 ? "gmail.com" : `org${i}.example`}>`),
  cc: [],
  bcc: [],
};

async function child(dir) {
  const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;
  const started = process.hrtime.bigint();
  const wasmFile = path.join(dir, "bccshield-engine.wasm");
  const options = { print() {}, printErr() {} };
  if (existsSync(wasmFile)) {
    options.wasmBinary = readFileSync(wasmFile);
  }
  const { default: create } = await import(pathToFileURL(path.join(dir, "bccshield-engine.mjs")).href);
  const module = await create(options);
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
  call("bccshield_load_policy", ["", ""]);
  const load = ms(started);
  let at = process.hrtime.bigint();
  const first = call("bccshield_check", [JSON.stringify(DRAFT)]);
  const firstMs = ms(at);
  if (first.result?.decision !== "warn") {
    throw new Error(`unexpected verdict ${JSON.stringify(first).slice(0, 200)}`);
  }
  const warm = [];
  for (let i = 0; i < 20; i++) {
    at = process.hrtime.bigint();
    call("bccshield_check", [JSON.stringify(DRAFT)]);
    warm.push(ms(at));
  }
  warm.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ load, first: firstMs, warm: warm[10] }));
}

function sizes(dir) {
  const files = ["bccshield-engine.mjs", "bccshield-engine.wasm"].map((name) => path.join(dir, name)).filter(existsSync);
  return {
    raw: files.reduce((sum, file) => sum + statSync(file).size, 0),
    gzip: files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0),
  };
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    await child(args[1]);
    return;
  }
  const root = args[0];
  const runs = Number(args[args.indexOf("--runs") + 1] || 9) || 9;
  const flavours = ["js", "wasm"].filter((name) => existsSync(path.join(root, name, "bccshield-engine.mjs")));
  const samples = Object.fromEntries(flavours.map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const name of flavours) {
      const out = execFileSync(process.execPath, [new URL(import.meta.url).pathname, "--child", path.join(root, name)]);
      samples[name].push(JSON.parse(out));
    }
  }
  const median = (list, key) => list.map((s) => s[key]).sort((a, b) => a - b)[Math.floor(list.length / 2)];
  for (const name of flavours) {
    const size = sizes(path.join(root, name));
    const list = samples[name];
    process.stdout.write(`${name.padEnd(4)}  ${(size.raw / 1024).toFixed(0)} KB raw, ${(size.gzip / 1024).toFixed(0)} KB gzip; ` +
      `load ${median(list, "load").toFixed(1)} ms, first 300-recipient check ${median(list, "first").toFixed(1)} ms, ` +
      `warm ${median(list, "warm").toFixed(2)} ms (medians of ${runs} fresh processes)\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
