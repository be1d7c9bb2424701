// Module resolution hooks for build-tree.mjs: a source module's import of a generated module
// resolves to the file CMake wrote into the XPI root.
import { pathToFileURL } from "node:url";

// identity.mjs: written by CMake; bccshield-engine.mjs: the built-in engine (host/wasm).
const GENERATED = ["modules/identity.mjs", "bccshield-engine.mjs"];
const SOURCE = new URL("../../extension/thunderbird/", import.meta.url).href;
let built = "";

export function initialize({ root }) {
  built = pathToFileURL(`${root}/`).href;
}

export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL && /^\.\.?\//.test(specifier)) {
    const wanted = new URL(specifier, context.parentURL).href;
    const generated = GENERATED.find((name) => wanted === SOURCE + name);
    if (generated) {
      return nextResolve(built + generated, context);
    }
  }
  return nextResolve(specifier, context);
}
