// The send-time flow: expand, check, ask, apply, report. Every dependency on Thunderbird
// is injected, so the whole flow runs under `node --test` with a stub.
// Fails closed: any failure before a decision leads to the host-error path, never to a
// silent send, and Cancel always leaves the draft untouched.

import { CHOICES } from "./constants.mjs";
import { createHostClient, HostError, HOST_ERROR_KINDS, wireErrorName } from "./host-client.mjs";
import { mapDraft, isReplyType } from "./draft-mapper.mjs";
import { expandRecipients } from "./list-expander.mjs";
import { applyChoice, buttonsFor, fallbackRewrite, hostErrorMode } from "./verdict.mjs";
import { assessHost } from "./host-trust.mjs";
import { createStrictestActionMemory, memoryStorage } from "./strictest-action.mjs";
import { createHostErrorQueue } from "./host-error-queue.mjs";
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
 * @param {(id: unknown) => void} [deps.abandonRequest] the transport stops waiting for a timed-out request
 * @param {ReturnType<typeof createStrictestActionMemory>} [deps.strictestAction] (default: in memory)
 * @param {ReturnType<typeof createHostErrorQueue>} [deps.hostErrorQueue] (default: in memory)
 * @param {() => number} [deps.now]
 * @param {(input: {hostClient: object, settings: object}) => {check: Function}} [deps.chooseEngine]
 *   who decides (engine-choice.mjs); without it the host does. An answer with `engine: "builtin"`
 *   is never reported (no audit log without the host).
 * @param {(info: {engine: string, hostVersion: string, policy: object|null}) => void} [deps.decided]
 *   which engine decided the last check (options page)
 * @param {ReturnType<import("./batch-sender.mjs").createBatchSender>} [deps.batches] large
 *   mailings: sends the other batches of a split Convert, and knows BccShield's own sends
 */
export function createSendGuard(deps) {
  const now = deps.now ?? (() => performance.now());
  const record = deps.record ?? (() => {});
  const strictest = deps.strictestAction ?? createStrictestActionMemory(memoryStorage());
  const queue = deps.hostErrorQueue ?? createHostErrorQueue({ local: memoryStorage() });

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
    if (!client || !checkId) {
      return;
    }
    client.report(checkId, choice, reason).catch((error) => {
      record({ event: "report-failed", choice, error: String(error?.message ?? error) });
    });
  }

  /** Queue a host-error choice for the audit log (delivered when a host next answers). */
  function queueChoice(choice, hostError, draft) {
    queue.add({ choice, error: hostError.wire, visibleRecipients: draft.to.length + draft.cc.length })
      .catch((error) => record({ event: "queue-failed", error: String(error?.message ?? error) }));
  }

  /** A trusted host answered: remember its strictest action, deliver the waiting choices. */
  function hostAnswered(client, policy) {
    strictest.update(policy).catch(() => {});
    queue.flush((batch) => client.reportHostErrors(batch)).then((sent) => {
      if (sent > 0) {
        record({ event: "host-errors-reported", entries: sent });
      }
    });
  }

  async function onHostError(error, draft, lists, settings) {
    const hostError = error instanceof HostError
      ? { kind: error.kind, message: error.message }
      : { kind: HOST_ERROR_KINDS.failed, message: String(error?.message ?? error) };
    hostError.wire = error instanceof HostError ? wireErrorName(error) : "internal-error";
    if (error?.details?.problems) {
      hostError.problems = error.details.problems;
    }
    record({ event: "host-error", kind: hostError.kind, message: hostError.message });
    // An error reply from a trusted host still says what its policy can do (and maybe the decision).
    const errorPolicy = error?.details?.policy;
    if (errorPolicy && hostError.kind !== HOST_ERROR_KINDS.untrusted &&
        !assessHost({ policy: errorPolicy, host: error.details.host }, settings).untrusted) {
      await strictest.update(errorPolicy).catch(() => {});
    }
    const carriedDecision = hostError.kind === HOST_ERROR_KINDS.untrusted ? null : (error?.details?.decision ?? null);
    const { onHostError: policy, policyBlocks } = hostErrorMode({
      onHostError: settings.values.onHostError,
      carriedDecision,
      strictestAction: await strictest.get().catch(() => null),
    });
    const hostVersion = error?.details?.hostVersion;
    if (policy === "allow") {
      deps.inform({ mode: "hostErrorSent", hostError, draft, lists, hostVersion });
      queueChoice(CHOICES.hostErrorSend, hostError, draft);
      return applyChoice(CHOICES.hostErrorSend, null);
    }
    const rewrite = fallbackRewrite(draft);
    const answer = await deps.ask({
      mode: "hostError", hostError, onHostError: policy, policyBlocks, carriedDecision, draft, rewrite, lists, hostVersion,
    });
    const allowed = buttonsFor("hostError", policy);
    let choice = CHOICES.hostErrorCancel;
    if (answer?.choice === CHOICES.convert) {
      choice = CHOICES.hostErrorConvert;
    } else if (answer?.choice === CHOICES.sendAnyway && allowed.sendAnyway) {
      choice = CHOICES.hostErrorSend;
    }
    queueChoice(choice, hostError, draft);
    return applyChoice(choice, choice === CHOICES.hostErrorConvert ? rewrite : null);
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
    const hostClient = createHostClient({
      sendNativeMessage: deps.sendNativeMessage,
      timeoutMs: settings.values.hostTimeoutMs,
      client: clientName,
      abandon: deps.abandonRequest,
    });
    const checker = deps.chooseEngine ? deps.chooseEngine({ hostClient, settings }) : hostClient;
    const { draft, lists } = await buildDraft(details);
    const drafted = now();
    let answer;
    let trust;
    try {
      answer = await checker.check(draft);
      if ((answer.engine ?? "host") === "host") {
        trust = assessHost(answer, settings);
        if (trust.untrusted) {
          // Its verdict is not used: the host is not the one IT expects.
          throw new HostError(HOST_ERROR_KINDS.untrusted, "the host is not the one your organisation expects", {
            problems: trust.problems, hostVersion: answer.hostVersion,
          });
        }
      }
    } catch (error) {
      return onHostError(error, draft, lists, settings);
    }
    const { verdict, policy, hostVersion } = answer;
    const engine = answer.engine ?? "host";
    // Reports go to the host only when the host decided (the built-in engine keeps no log).
    const client = engine === "host" ? hostClient : null;
    if (client) {
      hostAnswered(client, policy);
    }
    deps.decided?.({ engine, hostVersion, policy });
    const decided = now();
    const decisionMs = decided - started;
    record({
      event: "decision",
      engine,
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
        deps.inform({ mode: "converted", verdict, draft, rewrite, lists, policy, hostVersion, trust });
        return convert(CHOICES.autoConvert, rewrite, verdict, tab, details);
      default: {
        const mode = verdict.decision;
        const timing = { decisionMs, draftMs: drafted - started, hostMs: decided - drafted };
        const answerOfUser = await deps.ask({ mode, verdict, draft, rewrite, lists, policy, decisionMs, timing, hostVersion, trust });
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
