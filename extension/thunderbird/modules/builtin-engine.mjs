// The engine inside the XPI (issue 9): the C++ core the native host runs, compiled by host/wasm
// (the Outlook add-in's target) into ../bccshield-engine.mjs, a build output copied into the XPI
// root. Loaded once per background wake (an MV3 background is suspended when idle, its memory
// with it) and then kept. `check(draft, policy)` answers in the shape of host-client's check:
// {verdict, policy, hostVersion}, from the same handle_message() and the same reply checks.
//
// The policy is IT's: the managed setting `policy` (3rdparty → Extensions → our id → policy),
// an object with the host's schema, validated by the core exactly as the host validates its
// policy file (same errors, same JSON pointers); a refused policy leaves the defaults in force
// and the status says why, as the host's does.

import { HostError, HOST_ERROR_KINDS, unwrapReply, validateVerdict } from "./host-client.mjs";
import { resolveVerdict } from "./recipient-refs.mjs";

/** `policy.source` of a policy that came from managed storage (the host names its file). */
export const MANAGED_POLICY_SOURCE = "managed-storage";

/**
 * The policy text the core validates: "" (built-in defaults) when IT set nothing, the JSON of an
 * object, or a string as it is (a GPO value may carry the policy as JSON text). Anything else is
 * handed over as JSON too, so the core refuses it with its own error.
 */
export function policyText(value) {
  if (value === undefined || value === null) {
    return "";
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The engine's C functions over strings (host/wasm/engine_binding.cpp). */
function bind(module) {
  function call(name, texts) {
    const pointers = [];
    try {
      for (const text of texts) {
        const size = module.lengthBytesUTF8(text) + 1;
        const pointer = module._malloc(size);
        if (!pointer) {
          throw new Error("out of memory");
        }
        pointers.push(pointer);
        module.stringToUTF8(text, pointer, size);
      }
      return JSON.parse(module.UTF8ToString(module[`_${name}`](...pointers)));
    } finally {
      pointers.forEach((pointer) => module._free(pointer));
    }
  }
  return {
    loadPolicy: (text, source) => call("bccshield_load_policy", [text, source]),
    check: (draft) => call("bccshield_check", [JSON.stringify(draft)]),
    info: () => call("bccshield_engine_info", []),
  };
}

/**
 * @param {object} [options]
 * @param {() => Promise<{default: Function}>} [options.importEngine] the generated module
 * @param {object} [options.moduleOptions] extra Emscripten module options (node tests: wasmBinary)
 * @param {() => number} [options.now]
 */
export function createBuiltinEngine({
  importEngine = () => import("../bccshield-engine.mjs"),
  moduleOptions = {},
  now = () => performance.now(),
} = {}) {
  let loading = null;
  let loadedText = null;
  let status = null;
  /** How long the last load took (import + instantiate), for the diagnostics journal. */
  let loadMs = null;

  function startFailed(error) {
    return new HostError(HOST_ERROR_KINDS.failed, `the built-in engine could not start: ${error?.message ?? error}`);
  }

  function engine() {
    loading ??= (async () => {
      const started = now();
      const imported = await importEngine();
      // print/printErr given: the engine never writes to the console.
      const module = await imported.default({ print() {}, printErr() {}, ...moduleOptions });
      loadMs = now() - started;
      loadedText = null;
      return bind(module);
    })().catch((error) => {
      loading = null;
      throw startFailed(error);
    });
    return loading;
  }

  async function withPolicy(value) {
    const bound = await engine();
    const text = policyText(value);
    if (text !== loadedText) {
      status = bound.loadPolicy(text, text === "" ? "" : MANAGED_POLICY_SOURCE);
      loadedText = text;
    }
    return bound;
  }

  /** An engine that threw (abort) may be in any state: the next call loads a fresh one. */
  function crashed(error) {
    loading = null;
    loadedText = null;
    return error instanceof HostError ? error : new HostError(HOST_ERROR_KINDS.failed, `the built-in engine failed: ${error?.message ?? error}`);
  }

  return {
    /** Load the engine now (a compose window opened), so Send does not wait for it. */
    warm() {
      engine().catch(() => {});
    },
    /** `check` under IT's managed policy (undefined: the defaults). */
    async check(draft, managedPolicy) {
      let reply;
      try {
        reply = (await withPolicy(managedPolicy)).check(draft);
      } catch (error) {
        throw crashed(error);
      }
      const result = unwrapReply(reply);
      const verdict = validateVerdict(resolveVerdict(result, draft));
      return { verdict, policy: reply.policy ?? null, hostVersion: reply.hostVersion ?? "" };
    },
    /**
     * The status of IT's policy as the engine would apply it: {status, source, signed, error?,
     * policy: the effective policy}. For the options page.
     */
    async policyStatus(managedPolicy) {
      try {
        await withPolicy(managedPolicy);
      } catch (error) {
        throw crashed(error);
      }
      return status;
    },
    /** Versions of the engine and of the libraries inside it. */
    async info() {
      try {
        return (await engine()).info();
      } catch (error) {
        throw crashed(error);
      }
    },
    lastLoadMs: () => loadMs,
  };
}
