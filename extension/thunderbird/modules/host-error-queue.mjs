// Host-error choices (the user sent, cancelled or converted after the host could not answer)
// have no checkId, so the host never heard of them. They wait here, in storage.local, and
// go to the host as one `report` of kind `host-error` (PROTOCOL.md) when it next answers.
// - bounded: at most HOST_ERROR_QUEUE_MAX entries; a choice that does not fit is counted in
//   `dropped` (reported too), never silently lost;
// - removed only after the host says {"recorded": true}; kept on any failure;
// - one delivery at a time: every compose window shares this queue (one per background),
//   and a flush asked for while one is in flight joins it, so no entry is sent twice by us.
//   (Were the background killed between the host's record and our removal, the next flush
//   would send those entries again: at least once, not exactly once.)

import { HOST_ERROR_QUEUE_MAX, STORAGE_KEYS } from "./constants.mjs";

/** The wire limit for each string (PROTOCOL.md: at most 64 bytes). */
const MAX_TEXT_BYTES = 64;

function clip(text) {
  let value = String(text ?? "");
  while (new TextEncoder().encode(value).length > MAX_TEXT_BYTES) {
    value = value.slice(0, -1);
  }
  return value;
}

/** What the host accepts for `choice` and `error` (PROTOCOL.md: letters, digits, . _ -). */
const TOKEN = /^[A-Za-z0-9._-]{1,64}$/;
const CHOICES = ["host-error-send", "host-error-cancel", "host-error-convert"];
const AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** An entry the host would refuse (storage edited, older format) would block the whole queue. */
function acceptable(entry) {
  return CHOICES.includes(entry?.choice) && TOKEN.test(String(entry?.error ?? "")) && AT.test(String(entry?.at ?? "")) &&
    Number.isInteger(entry?.visibleRecipients) && entry.visibleRecipients >= 0;
}

/** "2026-12-02T01:02:03Z": UTC, whole seconds. */
export function isoSecond(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * @param {object} options
 * @param {{get: Function, set: Function}} options.local storage.local
 * @param {number} [options.max]
 * @param {() => number} [options.now] epoch ms
 */
export function createHostErrorQueue({ local, max = HOST_ERROR_QUEUE_MAX, now = () => Date.now() }) {
  let chain = Promise.resolve();
  let flushing = null;

  /** Run `step` after every earlier read-modify-write (storage calls are async). */
  function serially(step) {
    const result = chain.then(step);
    chain = result.catch(() => {});
    return result;
  }

  async function read() {
    const stored = await local.get([STORAGE_KEYS.hostErrorQueue]);
    const value = stored?.[STORAGE_KEYS.hostErrorQueue];
    const entries = Array.isArray(value?.entries) ? value.entries : [];
    const dropped = Number.isInteger(value?.dropped) && value.dropped > 0 ? value.dropped : 0;
    const next = Number.isInteger(value?.next) ? value.next : entries.length;
    return { entries, dropped, next };
  }

  const write = (state) => local.set({ [STORAGE_KEYS.hostErrorQueue]: state });

  return {
    /** Queue one choice. @param {{choice: string, error: string, visibleRecipients: number}} entry */
    add({ choice, error, visibleRecipients }) {
      return serially(async () => {
        const state = await read();
        if (state.entries.length >= max) {
          state.dropped += 1;
        } else {
          state.entries.push({
            seq: state.next,
            choice: clip(choice),
            at: isoSecond(now()),
            error: TOKEN.test(clip(error)) ? clip(error) : "unknown",
            visibleRecipients: Number.isInteger(visibleRecipients) && visibleRecipients >= 0 ? visibleRecipients : 0,
          });
          state.next += 1;
        }
        await write(state);
      });
    },

    /** What waits: {entries, dropped} (without the internal sequence numbers). */
    async pending() {
      const state = await serially(read);
      return { entries: state.entries.map(({ seq, ...entry }) => entry), dropped: state.dropped };
    },

    /**
     * Deliver what waits with `send({entries, dropped})` (resolves to the report result).
     * Resolves to the number of entries recorded (0 when nothing waited or it failed).
     */
    flush(send) {
      flushing ??= (async () => {
        try {
          const state = await serially(read);
          if (state.entries.length === 0 && state.dropped === 0) {
            return 0;
          }
          const batch = state.entries.slice(0, max);
          // Unacceptable entries go with this report, as dropped (never sent, never kept).
          const unacceptable = batch.filter((entry) => !acceptable(entry)).length;
          const entries = batch.filter(acceptable).map(({ seq, ...entry }) => entry);
          let result;
          try {
            result = await send({ entries, dropped: state.dropped + unacceptable });
          } catch {
            return 0;
          }
          if (result?.recorded !== true) {
            return 0;
          }
          const sent = new Set(batch.map((entry) => entry.seq));
          await serially(async () => {
            const current = await read();
            current.entries = current.entries.filter((entry) => !sent.has(entry.seq));
            current.dropped = Math.max(0, current.dropped - state.dropped);
            await write(current);
          });
          return entries.length;
        } finally {
          flushing = null;
        }
      })();
      return flushing;
    },
  };
}
