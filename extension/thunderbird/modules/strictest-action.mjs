// The strictest action the policy in force can produce (`policy.strictestAction`, PROTOCOL.md),
// as the last trusted host reply said, kept in storage.local so that a host error later (the
// host gone, crashed, answering garbage) still knows that the policy blocks: then no
// Send anyway is offered (verdict.mjs hostErrorMode). A deliberate user can clear
// storage.local; docs/ADMIN.md says what IT locks against that (onHostError: block).

import { STORAGE_KEYS } from "./constants.mjs";

const ACTIONS = ["allow", "warn", "block"];

/** @param {{get: (keys: string[]) => Promise<object>, set: (items: object) => Promise<void>}} local storage.local */
export function createStrictestActionMemory(local) {
  let cached; // undefined = not read yet
  return {
    /** "allow" | "warn" | "block" | null (never seen). */
    async get() {
      if (cached === undefined) {
        const stored = await local.get([STORAGE_KEYS.strictestAction]).catch(() => ({}));
        const value = stored?.[STORAGE_KEYS.strictestAction];
        cached = ACTIONS.includes(value) ? value : null;
      }
      return cached;
    },
    /** Remember what a trusted reply said (any valid value replaces the previous one). */
    async update(policy) {
      const value = policy?.strictestAction;
      if (!ACTIONS.includes(value) || value === cached) {
        return;
      }
      cached = value;
      await local.set({ [STORAGE_KEYS.strictestAction]: value }).catch(() => {});
    },
  };
}

/** An in-memory storage.local (tests, and a guard built without storage). */
export function memoryStorage(initial = {}) {
  const data = { ...initial };
  return {
    data,
    async get(keys) {
      const result = {};
      for (const key of keys) {
        if (Object.hasOwn(data, key)) {
          result[key] = structuredClone(data[key]);
        }
      }
      return result;
    },
    async set(items) {
      for (const [key, value] of Object.entries(items)) {
        data[key] = structuredClone(value);
      }
    },
  };
}
