// Loaded by `node --import` (tests/extension/CMakeLists.txt): the extension's generated modules
// (identity.mjs, written by CMake from cmake/identity.cmake) are read from the build's XPI root,
// $BCCSHIELD_XPI_ROOT; every other module from the source tree. So the tests run the sources as
// edited and the one generated copy, never a second hand-written one.
import { register } from "node:module";
import path from "node:path";

const root = process.env.BCCSHIELD_XPI_ROOT;
if (!root) {
  throw new Error("BCCSHIELD_XPI_ROOT is unset: run the extension tests through ctest (HACKING.md)");
}

/** The configured extension folder: manifest.json and modules/identity.mjs as shipped. */
export const XPI_ROOT = path.resolve(root);

register("./build-tree-hooks.mjs", import.meta.url, { data: { root: XPI_ROOT } });
