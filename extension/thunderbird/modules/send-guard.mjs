// The send-time flow: expand, check, ask, apply, report. Every dependency on Thunderbird
// is injected, so the whole flow runs under `node --test` with a stub.
// Fails closed: any failure before a decision leads to the host-error path, never to a
// silent send, and Cancel always leaves the draft untouched.

import { CHOICES } from "./constants.mjs";
import { createHostClient, HostError, HOST_ERROR_KINDS } from "./host-client.mjs";
import { mapDraft, isReplyType } from "./draft-mapper.mjs";
import { expandRecipients } from "./list-expander.mjs";
import { applyChoice, buttonsFor, fallbackRewrite } from "./verdict.mjs";
import { planMessages } from "./batch-sender.mjs";

/**
 * @param {object} deps
 * @param {() => Promise<{values: object}>} deps.loadSettings
 * @param {(token: string) => Promise<string[]|null>} deps.expand mailing-list expander
 * @param {(messageId: number) => Promise<object|null>} deps.readOriginal To/Cc of a replied message
 * @param {(name: string, message: object) => Promise<object>} deps.sendNativeMessage
 * @param {() => Promise<string>} [deps.clientName] e.g. "thunderbird/153.7.0"
 * @param {(input: object) => Promise<{choice: string, reason?: string}>} deps.ask popup, waits
 * @param {(input: object) => void} deps.inform non-blocking notice
 * @param {(event: object) => void} [deps.record] diagnostics (timings)
 * @param {() => number} [deps.now]
 * @param {ReturnType<import("./batch-sender.mjs").createBatchSender>} [deps.batches] large
 *   mailings: sends the other batches of a split Convert, and knows BccShield's own sends
 */
export function createSendGuard(deps) {
  const now = deps.now ?? (() => performance.now());
  const record = deps.record ?? (() => {});

  async function buildDraft(details) {
    const lists = [];
    const expanded = {};
    for (const field of ["to", "cc", "bcc"]) {
      const result = await expandRecipients(details[field] ?? [], deps.expand);
      expanded[field] = result.recipients;
      if (field !== "bcc") {
        lists.push(...result.lists);
      }
    }
    let original = null;
    if (isReplyType(details.type) && details.relatedMessageId) {
      original = await deps.readOriginal(details.relatedMessageId).catch(() => null);
    }
    return { draft: mapDraft({ ...details, ...expanded }, original), lists };
  }

  function report(client, checkId, choice, reason = "") {
    if (!checkId) {
      return;
    }
    client.report(checkId, choice, reason).catch((error) => {
      record({ event: "report-failed", choice, error: String(error?.message ?? error) });
    });
  }

  async function onHostError(error, draft, lists, settings) {
    const hostError = error instanceof HostError
      ? { kind: error.kind, message: error.message }
      : { kind: HOST_ERROR_KINDS.failed, message: String(error?.message ?? error) };
    record({ event: "host-error", ...hostError });
    const policy = settings.values.onHostError;
    const hostVersion = error?.details?.hostVersion;
    if (policy === "allow") {
      deps.inform({ mode: "hostErrorSent", hostError, draft, lists, hostVersion });
      return applyChoice(CHOICES.hostErrorSend, null);
    }
    const rewrite = fallbackRewrite(draft);
    const { choice } = await deps.ask({ mode: "hostError", hostError, onHostError: policy, draft, rewrite, lists, hostVersion });
    const allowed = buttonsFor("hostError", policy);
    if (choice === CHOICES.convert) {
      return applyChoice(CHOICES.convert, rewrite);
    }
    if (choice === CHOICES.sendAnyway && allowed.sendAnyway) {
      return applyChoice(CHOICES.hostErrorSend, null);
    }
    return applyChoice(CHOICES.cancel, null);
  }

  // Convert, within the provider's per-message limit when the verdict says so (issue 14).
  async function convert(choice, rewrite, verdict, tab, details) {
    const single = applyChoice(choice, rewrite);
    if (!deps.batches || !rewrite || !verdict.delivery || verdict.delivery.mode === "single") {
      return single;
    }
    const messages = planMessages(rewrite, verdict.delivery);
    if (!messages) {
      record({ event: "delivery-invalid" });
      return single; // one message, as before: nobody lost, nobody twice
    }
    if (messages.length === 1) {
      return { details: messages[0] };
    }
    try {
      const repeated = verdict.delivery.mode === "batches" ? verdict.delivery.repeated ?? 0 : 0;
      return await deps.batches.deliver(tab, details, messages, repeated);
    } catch (error) {
      // Only before any batch left (deliver catches each send's own failure): nothing changed.
      record({ event: "batches-not-started", error: String(error?.message ?? error) });
      deps.inform({ mode: "batchesNotStarted" });
      return { cancel: true };
    }
  }

  async function decide(tab, details, started) {
    const settings = await deps.loadSettings();
    const clientName = deps.clientName ? await deps.clientName().catch(() => "") : "";
    const client = createHostClient({
      sendNativeMessage: deps.sendNativeMessage,
      timeoutMs: settings.values.hostTimeoutMs,
      client: clientName,
    });
    const { draft, lists } = await buildDraft(details);
    const drafted = now();
    let answer;
    try {
      answer = await client.check(draft);
    } catch (error) {
      return onHostError(error, draft, lists, settings);
    }
    const { verdict, policy, hostVersion } = answer;
    const decided = now();
    const decisionMs = decided - started;
    record({
      event: "decision",
      decision: verdict.decision,
      visibleRecipients: draft.to.length + draft.cc.length,
      decisionMs,
      draftMs: drafted - started,
      hostMs: decided - drafted,
    });
    const rewrite = verdict.rewrite ?? null;
    switch (verdict.decision) {
      case "allow":
        return undefined;
      case "convert":
        report(client, verdict.checkId, CHOICES.autoConvert);
        deps.inform({ mode: "converted", verdict, draft, rewrite, lists, policy, hostVersion });
        return convert(CHOICES.autoConvert, rewrite, verdict, tab, details);
      default: {
        const mode = verdict.decision;
        const timing = { decisionMs, draftMs: drafted - started, hostMs: decided - drafted };
        const answerOfUser = await deps.ask({ mode, verdict, draft, rewrite, lists, policy, decisionMs, timing, hostVersion });
        const allowed = buttonsFor(mode);
        let choice = answerOfUser?.choice;
        const reason = String(answerOfUser?.reason ?? "").trim();
        if (choice === CHOICES.sendAnyway && (!allowed.sendAnyway || (allowed.needsReason && reason === ""))) {
          choice = CHOICES.cancel;
        }
        if (choice !== CHOICES.convert && choice !== CHOICES.sendAnyway) {
          choice = CHOICES.cancel;
        }
        report(client, verdict.checkId, choice, choice === CHOICES.sendAnyway ? reason : "");
        return choice === CHOICES.convert
          ? convert(choice, rewrite, verdict, tab, details)
          : applyChoice(choice, rewrite);
      }
    }
  }

  return {
    /** The compose.onBeforeSend listener body. */
    async onBeforeSend(tab, details) {
      if (deps.batches?.isOwnSend(tab?.id)) {
        return undefined; // a batch BccShield itself is sending: already checked
      }
      const started = now();
      try {
        return await decide(tab, details, started);
      } catch (error) {
        // A bug or an API failure before any decision: never send silently.
        record({ event: "internal-error", error: String(error?.stack ?? error) });
        try {
          const draft = mapDraft(details);
          const settings = await deps.loadSettings().catch(() => ({ values: { onHostError: "ask" } }));
          const safe = { values: { ...settings.values, onHostError: settings.values.onHostError === "allow" ? "ask" : settings.values.onHostError } };
          return await onHostError(error, draft, [], safe);
        } catch {
          return { cancel: true };
        }
      }
    },
  };
}
