// User-level settings (storage.local) with IT overrides (storage.managed, from the
// Thunderbird enterprise policy `3rdparty.Extensions["bccshield@bccshield.org"]`).
// A managed value wins and is locked. The host-trust settings (MANAGED_ONLY_SETTINGS) are
// read from storage.managed only: they restrict which host may answer, so only IT sets them.

import { DEFAULT_SETTINGS, MANAGED_ONLY_SETTINGS, ON_HOST_ERROR_VALUES } from "./constants.mjs";

/** Key ids are lowercase hex as `bccshield-host policy status` prints them. */
const KEY_ID = /^[0-9a-f]{8,128}$/;

const VALIDATORS = {
  onHostError: (value) => ON_HOST_ERROR_VALUES.includes(value),
  hostTimeoutMs: (value) => Number.isInteger(value) && value >= 500 && value <= 120000,
  requireSignedPolicy: (value) => typeof value === "boolean",
  expectedPolicyKeyId: (value) => typeof value === "string" && KEY_ID.test(value.toLowerCase()),
  // An absolute path (POSIX or Windows drive), short enough to be a path and not a payload.
  expectedHostPath: (value) => typeof value === "string" && value.length <= 4096 &&
    (value.startsWith("/") || /^[A-Za-z]:[\\/]/.test(value)),
};

/** Normalise a valid value (key ids compare lowercase). */
const NORMALISE = {
  expectedPolicyKeyId: (value) => value.toLowerCase(),
};

function validEntries(source, keys) {
  const result = {};
  for (const key of keys) {
    const isValid = VALIDATORS[key];
    if (source && Object.hasOwn(source, key) && isValid(source[key])) {
      result[key] = NORMALISE[key] ? NORMALISE[key](source[key]) : source[key];
    }
  }
  return result;
}

/**
 * @param {object} local values from storage.local
 * @param {object} managed values from storage.managed (empty when no policy)
 * @returns {{values: object, locked: Set<string>, invalidManaged: string[]}}
 *   invalidManaged: keys IT set with a value this version cannot use (shown, not applied)
 */
export function resolveSettings(local, managed) {
  const all = Object.keys(VALIDATORS);
  const userKeys = all.filter((key) => !MANAGED_ONLY_SETTINGS.includes(key));
  const managedValues = validEntries(managed, all);
  const invalidManaged = all.filter((key) => managed && Object.hasOwn(managed, key) && !Object.hasOwn(managedValues, key));
  return {
    values: { ...DEFAULT_SETTINGS, ...validEntries(local, userKeys), ...managedValues },
    locked: new Set(Object.keys(managedValues)),
    invalidManaged,
  };
}

/** Read both storage areas; a missing managed area (no policy) is not an error. */
export async function loadSettings(storage) {
  const keys = Object.keys(DEFAULT_SETTINGS);
  const local = await storage.local.get(keys).catch(() => ({}));
  const managed = await storage.managed.get(keys).catch(() => ({}));
  return resolveSettings(local, managed);
}
