// Large mailings (issue 14): Convert sends the converted draft as several messages when the
// host's verdict says so (`delivery`, PROTOCOL.md). Every Thunderbird API is injected, so
// node --test drives it with a stub.
//
// Nobody twice, nothing lost. The order, chosen for that:
//   1. the current send is held (onBeforeSend has not returned; its window is locked);
//   2. every other batch is sent first, one after the other, each from a new compose window
//      (compose.beginNew + compose.sendMessage) holding exactly that batch's recipients;
//   3. the current send then leaves last, carrying the first batch (the onBeforeSend details).
// A batch that fails keeps its own window open with exactly its recipients (Thunderbird shows
// its own send-failure alert there); pressing Send in it delivers that batch and nobody else.
// If the current send itself fails, every other batch has already left and its window holds
// only the first batch: Send there finishes the job. The reverse order (current send first)
// would leave the other batches unsent and unwindowed when the first one fails.
// Cancel in the popup happens before step 1: nothing changes.
//
// Vendor facts relied on (webext-docs compose.rst, latest-mv3; releases-comm-central
// mail/components/extensions/parent/ext-compose.js):
// - onBeforeSend listeners run per compose window (beforeSendEventTracker.handleEvent holds
//   only that window's send), so other windows can send while ours waits;
// - compose.sendMessage (permission compose.send, TB 90+) is documented to fulfil once the
//   message has been sent and to throw when the server refused it; but its MsgOperationObserver
//   also fulfils on "mail:composeSendProgressStop", which comes on a failed send too: seen in
//   Thunderbird 153, a batch refused with 554 at DATA fulfilled sendMessage. What is reliable:
//   Thunderbird closes a compose window once its message is sent and keeps it open (with its
//   own "Send Message Error" alert) when the send failed. So a batch counts as sent only when
//   its window has closed (tabs.get fails), as failed when sendMessage threw, onAfterSend
//   reported an error, or the window is still open after WINDOW_CLOSE_MS. A wrong guess can only
//   name a window that then closes by itself: it can never make anyone get the message twice;
// - beginNew(details) opens a window with identityId/from, subject, body or plainTextBody
//   (isPlainText picks one), customHeaders, priority, receipts, and attachments as
//   {file, name}; getAttachmentFile(id) (TB 98+) returns the attachment's bytes as a File;
// - onAfterSend (TB 102.3+) fires for the held send too, with `error` set when it failed or
//   was cancelled: only then do we know how the first batch went.
// BccShield recognises its own sends by the tab ids it opened, kept in memory only, never by
// a header a user could type. What the other batches did waits for the held send's
// onAfterSend in storage.session (memory only, never on disk): an MV3 background may be
// suspended between the two and wakes without its variables (seen in Thunderbird 153).

/** How long a sent batch's compose window may take to close (the copy to Sent comes first). */
export const WINDOW_CLOSE_MS = 20000;

/** ComposeDetails fields every batch copies from the current message. */
const COPIED_FIELDS = [
  "identityId", "from", "replyTo", "followupTo", "subject", "customHeaders", "priority",
  "returnReceipt", "deliveryStatusNotification", "attachVCard",
];

/**
 * The messages a delivery plan makes of a rewrite (recipients already resolved to strings).
 * Fails closed: returns null for a plan that does not partition the rewrite exactly (every
 * position once, the repeated ones in every message, none above the limit), and the caller
 * then sends the rewrite as one message, as before issue 14.
 * @param {{to: string[], cc: string[], bcc: string[]}} rewrite
 * @param {object} [delivery] the verdict's delivery
 * @returns {{to: string[], cc: string[], bcc: string[]}[]|null}
 */
export function planMessages(rewrite, delivery) {
  const flat = [
    ...rewrite.to.map((recipient) => ["to", recipient]),
    ...rewrite.cc.map((recipient) => ["cc", recipient]),
    ...rewrite.bcc.map((recipient) => ["bcc", recipient]),
  ];
  const whole = { to: [...rewrite.to], cc: [...rewrite.cc], bcc: [...rewrite.bcc] };
  if (!delivery || delivery.mode === "single" || delivery.mode === undefined) {
    return [whole];
  }
  const repeated = delivery.repeated ?? 0;
  if (!Number.isInteger(repeated) || repeated < 0 || repeated > flat.length) {
    return null;
  }
  const message = (positions) => {
    const out = { to: [], cc: [], bcc: [] };
    for (const [field, recipient] of positions) {
      out[field].push(recipient);
    }
    return out;
  };
  if (delivery.mode === "individual") {
    // Each recipient alone in To of their own copy; the repeated sender gets none.
    const copies = flat.slice(repeated).map(([, recipient]) => ({ to: [recipient], cc: [], bcc: [] }));
    return copies.length === delivery.messages && copies.length > 0 ? copies : null;
  }
  if (delivery.mode !== "batches") {
    return null;
  }
  const bounds = delivery.bounds;
  if (!Array.isArray(bounds) || bounds.length < 2 || bounds[0] !== repeated || bounds.at(-1) !== flat.length) {
    return null;
  }
  const limit = Number.isInteger(delivery.limit) && delivery.limit > 0 ? delivery.limit : Infinity;
  const messages = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const [start, end] = [bounds[k], bounds[k + 1]];
    if (!Number.isInteger(start) || !Number.isInteger(end) || end <= start || repeated + end - start > limit) {
      return null;
    }
    messages.push(message([...flat.slice(0, repeated), ...flat.slice(start, end)]));
  }
  return messages.length === delivery.messages ? messages : null;
}

/** Recipients of one message (its envelope, as the server counts them). */
export function envelopeSize(message) {
  return message.to.length + message.cc.length + message.bcc.length;
}

/**
 * @param {object} deps
 * @param {object} deps.compose messenger.compose: beginNew, sendMessage, listAttachments,
 *   getAttachmentFile
 * @param {(input: object) => void} deps.inform non-blocking notice (the popup in "batches" mode)
 * @param {(tabId: number) => Promise<boolean>} deps.isOpen whether a compose tab still exists
 * @param {(ms: number) => Promise<void>} [deps.sleep]
 * @param {{get: Function, set: Function, remove: Function}} [deps.session]
 *   messenger.storage.session (memory only): held sends survive a suspended background
 * @param {(event: object) => void} [deps.record] diagnostics
 */
export function createBatchSender(deps) {
  const record = deps.record ?? (() => {});
  /** Tabs BccShield opened and is sending right now: its listener lets them pass unchecked.
   * (The background stays awake meanwhile: the held send's onBeforeSend is pending.) */
  const ownSends = new Set();
  /** onAfterSend errors of BccShield's own sends, by tab id. */
  const afterSendErrors = new Map();
  const sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));

  /** True once the batch's window closed (sent); false when it failed or stays open. */
  async function windowClosed(tabId) {
    const step = 250;
    for (let waited = 0; waited <= WINDOW_CLOSE_MS; waited += step) {
      if (afterSendErrors.has(tabId)) {
        return false;
      }
      if (!(await deps.isOpen(tabId))) {
        return !afterSendErrors.has(tabId);
      }
      await sleep(step);
    }
    return false;
  }
  /** Held sends (tab id -> what the others did), completed by onAfterSend. */
  const memory = new Map();
  const held = {
    key: (tabId) => `bccshield.heldSend.${tabId}`,
    async set(tabId, state) {
      memory.set(tabId, state);
      await deps.session?.set({ [this.key(tabId)]: state });
    },
    async take(tabId) {
      let state = memory.get(tabId);
      memory.delete(tabId);
      if (deps.session) {
        const key = this.key(tabId);
        state ??= (await deps.session.get(key))?.[key];
        await deps.session.remove(key);
      }
      return state ?? null;
    },
  };

  async function attachmentsOf(tabId) {
    const listed = await deps.compose.listAttachments(tabId);
    const files = [];
    for (const attachment of listed) {
      files.push({ file: await deps.compose.getAttachmentFile(attachment.id), name: attachment.name });
    }
    return files;
  }

  function composeFields(details, message, attachments) {
    const fields = {};
    for (const field of COPIED_FIELDS) {
      if (details[field] !== undefined && details[field] !== null) {
        fields[field] = details[field];
      }
    }
    if (fields.identityId) {
      delete fields.from; // the identity sets it; a differing string would unlock the From field
    }
    // One body, in the window's own format (beginNew throws on a conflicting pair).
    fields.isPlainText = Boolean(details.isPlainText);
    if (details.isPlainText) {
      fields.plainTextBody = details.plainTextBody ?? "";
    } else {
      fields.body = details.body ?? "";
      if (details.deliveryFormat) {
        fields.deliveryFormat = details.deliveryFormat;
      }
    }
    fields.to = message.to;
    fields.cc = message.cc;
    fields.bcc = message.bcc;
    fields.attachments = attachments;
    return fields;
  }

  /** Opens and sends one extra message; resolves to {ok, tabId, recipients}. */
  async function sendOne(details, message, attachments, repeated) {
    const recipients = envelopeSize(message) - repeated; // the people, not the sender again
    let tab;
    try {
      tab = await deps.compose.beginNew(composeFields(details, message, attachments));
    } catch (error) {
      record({ event: "batch-open-failed", recipients, error: String(error?.message ?? error) });
      return { ok: false, tabId: null, recipients, message };
    }
    ownSends.add(tab.id);
    try {
      await deps.compose.sendMessage(tab.id, { mode: "sendNow" });
      if (await windowClosed(tab.id)) {
        return { ok: true, tabId: tab.id, recipients };
      }
      record({ event: "batch-failed", recipients, error: afterSendErrors.get(tab.id) ?? "window still open" });
      return { ok: false, tabId: tab.id, recipients, message };
    } catch (error) {
      // The window stays open with exactly this batch; Send there is the user's own send,
      // checked again like any other (it is all Bcc, or one person alone in To).
      record({ event: "batch-failed", recipients, error: String(error?.message ?? error) });
      return { ok: false, tabId: tab.id, recipients, message };
    } finally {
      ownSends.delete(tab.id);
      afterSendErrors.delete(tab.id);
    }
  }

  async function summarise(tabId, firstFailed) {
    const state = await held.take(tabId);
    if (!state) {
      return;
    }
    const failed = state.results.filter((result) => !result.ok);
    if (firstFailed) {
      failed.unshift({ ok: false, tabId, recipients: state.firstRecipients });
    }
    if (failed.length === 0) {
      return;
    }
    deps.inform({
      mode: "batchesFailed",
      messages: state.results.length + 1,
      failedMessages: failed.length,
      missedRecipients: failed.reduce((sum, result) => sum + result.recipients, 0),
      openWindows: failed.filter((result) => result.tabId !== null).length,
      // Batches whose window could not even open: their recipients, so nobody is lost unseen.
      unopened: failed.filter((result) => result.tabId === null).flatMap((result) => [
        ...result.message.to, ...result.message.cc, ...result.message.bcc,
      ]),
    });
  }

  return {
    /** True while BccShield itself sends this tab (its onBeforeSend must let it pass). */
    isOwnSend(tabId) {
      return ownSends.has(tabId);
    },

    /**
     * Convert for a plan of several messages: sends every batch but the first, then returns
     * what onBeforeSend resolves to for the held send (the first batch).
     * @param {{id: number}} tab the held compose tab
     * @param {object} details its onBeforeSend details (body, subject, identity ...)
     * @param {{to: string[], cc: string[], bcc: string[]}[]} messages from planMessages
     * @param {number} [repeated] recipients in every message (the sender under `self`): not
     *   counted among those who did not get it
     */
    async deliver(tab, details, messages, repeated = 0) {
      const [first, ...others] = messages;
      const attachments = others.length > 0 ? await attachmentsOf(tab.id) : [];
      const results = [];
      for (const message of others) {
        results.push(await sendOne(details, message, attachments, repeated));
      }
      await held.set(tab.id, { results, firstRecipients: envelopeSize(first) - repeated });
      record({
        event: "batches",
        messages: messages.length,
        failed: results.filter((result) => !result.ok).length,
      });
      return { details: { to: [...first.to], cc: [...first.cc], bcc: [...first.bcc] } };
    },

    /** compose.onAfterSend: the held send's outcome completes the summary. */
    async onAfterSend(tab, info) {
      if (ownSends.has(tab?.id)) {
        if (info?.error) {
          afterSendErrors.set(tab.id, String(info.error));
        }
        return;
      }
      if (Number.isInteger(tab?.id)) {
        await summarise(tab.id, Boolean(info?.error));
      }
    },
  };
}
