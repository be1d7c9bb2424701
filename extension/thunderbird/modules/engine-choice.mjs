// Who decides a check (issue 9, setting `engine`): the native host or the engine inside the XPI.
//   auto    (default) the host when it is installed; the built-in engine only when Thunderbird
//           answers that no native application of our name is registered, and only as long as no
//           host has ever answered on this profile.
//   host    the host is required: a missing host is a host error (onHostError applies).
//   builtin never start the host.
// A host that is installed but fails (crash, hang, garbage, error reply) is a host error in every
// mode: the built-in engine never stands in for a failing host. With requireSignedPolicy or
// expectedPolicyKeyId set by IT the built-in engine does not decide (it has no key to verify a
// signature with): host error `untrusted-host` (docs/wire-11, PROTOCOL.md).
//
// Why auto is not a bypass: "not installed" is exactly the message Gecko gives when no valid
// manifest names our host (NativeApp._throwGenericError in
// toolkit/components/extensions/NativeMessaging.sys.mjs: `No such native application ${name}`,
// thrown when NativeManifests.lookupManifest finds none, for sendNativeMessage and, as the port's
// error, for connectNative); once a host answered on this profile (storage.local flag), a later
// missing host is a host error; and the packages and the MSI lock `engine: host` through managed
// storage (docs/ADMIN.md).

import { ENGINE_VALUES } from "./constants.mjs";
import { HostError, HOST_ERROR_KINDS } from "./host-client.mjs";
import { HOST_NAME } from "./identity.mjs";

/** Which engine decided: `engine` of a check answer and of the options page's "last check". */
export const ENGINES = Object.freeze({ host: "host", builtin: "builtin" });

/** storage.local: set once a host has answered on this profile (never cleared by the extension). */
export const HOST_ANSWERED_KEY = "hostAnsweredOnProfile";

/** Managed storage key of IT's policy for the built-in engine (managed-storage.json). */
export const MANAGED_POLICY_KEY = "policy";

/** Host error kind of a refused engine (h11's HOST_ERROR_KINDS.untrusted, wire name untrusted-host). */
const UNTRUSTED = HOST_ERROR_KINDS.untrusted ?? "untrusted";

/** Exactly Thunderbird's answer when no native manifest names our host. */
export function isNoSuchNativeApplication(error) {
  return error instanceof HostError && error.kind === HOST_ERROR_KINDS.missing &&
    error.message === `No such native application ${HOST_NAME}`;
}

/** Host errors that prove a host process ran and wrote something back. */
function hostAnswered(error) {
  return error instanceof HostError &&
    [HOST_ERROR_KINDS.refused, HOST_ERROR_KINDS.invalid, UNTRUSTED].includes(error.kind);
}

/** Managed settings that ask for a signed policy: the built-in engine cannot meet them. */
const SIGNATURE_SETTINGS = ["requireSignedPolicy", "expectedPolicyKeyId"];

/**
 * The built-in engine cannot meet a signature expectation of IT's; one IT set with a value this
 * version cannot read counts as set (settings.mjs lists those in `invalidManaged`).
 */
export function builtinMayDecide(values, invalidManaged = []) {
  return values?.requireSignedPolicy !== true && !values?.expectedPolicyKeyId &&
    !SIGNATURE_SETTINGS.some((key) => invalidManaged.includes(key));
}

/** IT's policy for the built-in engine; undefined when none is set (or the area is absent). */
export async function loadManagedPolicy(storage) {
  const managed = await storage.managed.get(MANAGED_POLICY_KEY).catch(() => ({}));
  return managed && Object.hasOwn(managed, MANAGED_POLICY_KEY) ? managed[MANAGED_POLICY_KEY] : undefined;
}

/**
 * The profile's memory of a host that answered, read from storage.local once per wake.
 * @param {{local: {get: Function, set: Function}}} storage
 */
export function createHostMemory(storage) {
  let known = null;
  return {
    async answeredBefore() {
      if (known !== true) {
        const stored = await storage.local.get(HOST_ANSWERED_KEY).catch(() => ({}));
        known = stored?.[HOST_ANSWERED_KEY] === true;
      }
      return known;
    },
    async noteAnswered() {
      if (known === true) {
        return;
      }
      known = true;
      await storage.local.set({ [HOST_ANSWERED_KEY]: true }).catch(() => {});
    },
  };
}

/**
 * @param {object} deps
 * @param {{check: (draft: object) => Promise<object>, hello: () => Promise<object>}} deps.host host-client
 * @param {{check: (draft: object, policy: any) => Promise<object>, info: () => Promise<object>}} deps.builtin
 * @param {{answeredBefore: () => Promise<boolean>, noteAnswered: () => Promise<void>}} deps.memory
 * @param {object} deps.values resolved settings (engine, requireSignedPolicy, expectedPolicyKeyId)
 * @param {() => Promise<any>} deps.managedPolicy IT's policy for the built-in engine
 * @param {string[]} [deps.invalidManaged] managed keys IT set with an unreadable value
 * @returns {{check: (draft: object) => Promise<{verdict: object, policy: object|null, hostVersion: string, engine: string}>}}
 */
export function createEngineChoice({ host, builtin, memory, values, managedPolicy, invalidManaged = [] }) {
  const mode = ENGINE_VALUES.includes(values?.engine) ? values.engine : "auto";

  async function useBuiltin(draft, why) {
    if (!builtinMayDecide(values, invalidManaged)) {
      throw new HostError(UNTRUSTED, `the built-in engine cannot verify a signed policy (${why})`);
    }
    const answer = await builtin.check(draft, await managedPolicy());
    return { ...answer, engine: ENGINES.builtin };
  }

  async function useHost(draft) {
    try {
      const answer = await host.check(draft);
      await memory.noteAnswered();
      return { ...answer, engine: ENGINES.host };
    } catch (error) {
      if (hostAnswered(error)) {
        await memory.noteAnswered();
      }
      throw error;
    }
  }

  return {
    mode,
    async check(draft) {
      if (mode === "builtin") {
        return useBuiltin(draft, "engine: builtin");
      }
      if (mode === "host") {
        return useHost(draft);
      }
      if (await memory.answeredBefore()) {
        return useHost(draft);
      }
      // No host ever answered on this profile: ask with a `hello` first, so a missing host
      // costs a small message, not the whole draft (~25 ms at 300 recipients in Thunderbird).
      try {
        await host.hello();
        await memory.noteAnswered();
      } catch (error) {
        if (isNoSuchNativeApplication(error)) {
          return useBuiltin(draft, "no native host installed");
        }
        if (hostAnswered(error)) {
          await memory.noteAnswered();
        }
        throw error;
      }
      return useHost(draft);
    },
  };
}
