// User-level settings (storage.local) with IT overrides (storage.managed, from the
// Thunderbird enterprise policy `3rdparty.Extensions["bccshield@bccshield.org"]`).
// A managed value wins and is locked.

import { DEFAULT_SETTINGS, ENGINE_VALUES, ON_HOST_ERROR_VALUES } from "./constants.mjs";

const VALIDATORS = {
  onHostError: (value) => ON_HOST_ERROR_VALUES.includes(value),
  hostTimeoutMs: (value) => Number.isInteger(value) && value >= 500 && value <= 120000,
  engine: (value) => ENGINE_VALUES.includes(value),
};

function validEntries(source) {
  const result = {};
  for (const [key, isValid] of Object.entries(VALIDATORS)) {
    if (source && Object.hasOwn(source, key) && isValid(source[key])) {
      result[key] = source[key];
    }
  }
  return result;
}

/**
 * @param {object} local values from storage.local
 * @param {object} managed values from storage.managed (empty when no policy)
 * @returns {{values: object, locked: Set<string>}}
 */
export function resolveSettings(local, managed) {
  const managedValues = validEntries(managed);
  return {
    values: { ...DEFAULT_SETTINGS, ...validEntries(local), ...managedValues },
    locked: new Set(Object.keys(managedValues)),
  };
}

/** Read both storage areas; a missing managed area (no policy) is not an error. */
export async function loadSettings(storage) {
  const keys = Object.keys(DEFAULT_SETTINGS);
  const local = await storage.local.get(keys).catch(() => ({}));
  const managed = await storage.managed.get(keys).catch(() => ({}));
  return resolveSettings(local, managed);
}
