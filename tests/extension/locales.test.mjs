import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { EXTENSION_DIR } from "./messenger-stub.mjs";

const read = (lang) => JSON.parse(readFileSync(path.join(EXTENSION_DIR, "_locales", lang, "messages.json"), "utf8"));
const placeholders = (text) => [...text.matchAll(/\$\d/g)].map((m) => m[0]).sort().join();

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === "_locales" ? [] : sourceFiles(full);
    }
    return /\.(mjs|js|html|json)$/.test(entry.name) ? [full] : [];
  });
}

test("English and French are complete and use the same substitutions", () => {
  const en = read("en");
  const fr = read("fr");
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
  for (const key of Object.keys(en)) {
    assert.equal(placeholders(fr[key].message), placeholders(en[key].message), key);
    assert.notEqual(fr[key].message.trim(), "", key);
  }
});

test("every key the code uses exists; plural keys come in One/Other pairs", () => {
  const en = read("en");
  const used = new Set();
  for (const file of sourceFiles(EXTENSION_DIR)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/\b(?:t|plural)\("([a-zA-Z]+)"/g)) {
      used.add(match[0].startsWith("plural") ? [`${match[1]}One`, `${match[1]}Other`] : [match[1]]);
    }
    for (const match of text.matchAll(/data-i18n="([a-zA-Z]+)"|__MSG_([a-zA-Z]+)__|"(popup(?:HostError|Headline)[a-zA-Z]+)"/g)) {
      used.add([match[1] ?? match[2] ?? match[3]]);
    }
  }
  for (const keys of used) {
    for (const key of keys) {
      if (key.endsWith("One") || key.endsWith("Other") || !(`${key}One` in en)) {
        assert.ok(key in en, `missing message ${key}`);
      }
    }
  }
  for (const key of Object.keys(en).filter((k) => k.endsWith("One"))) {
    assert.ok(`${key.slice(0, -3)}Other` in en, key);
  }
  for (const key of Object.keys(en)) {
    assert.match(key, /^(extension|popup|options)[A-Z]/, `key ${key} lacks an area prefix`);
  }
});
