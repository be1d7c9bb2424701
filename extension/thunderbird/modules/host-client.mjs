// Talks to the native host (PROTOCOL.md) with a timeout, and classifies every failure.
// It never returns null on failure: callers get a HostError and must decide (fail closed).

import { DECISIONS } from "./constants.mjs";
import { HOST_NAME, HOST_TIMEOUT_MS, PROTOCOL_VERSION } from "./identity.mjs";
import { resolveVerdict } from "./recipient-refs.mjs";

/** Why the host could not give an answer. */
export const HOST_ERROR_KINDS = Object.freeze({
  missing: "missing", // not installed (no native manifest) or not startable
  failed: "failed", // crashed, closed without reply, refused to start
  timeout: "timeout", // no reply within the timeout
  invalid: "invalid", // replied with something that is not a PROTOCOL.md reply
  refused: "refused", // replied with a protocol error object
  untrusted: "untrusted", // answered, but not as IT expects (host-trust.mjs)
});

/** The `error` of a host-error report entry (PROTOCOL.md) for a HostError. */
export function wireErrorName(error) {
  switch (error?.kind) {
    case HOST_ERROR_KINDS.missing:
      return "not-installed";
    case HOST_ERROR_KINDS.failed:
      return "crashed";
    case HOST_ERROR_KINDS.timeout:
      return "timeout";
    case HOST_ERROR_KINDS.invalid:
      return "invalid-reply";
    case HOST_ERROR_KINDS.untrusted:
      return "untrusted-host";
    case HOST_ERROR_KINDS.refused:
      return /^[a-z0-9-]{1,64}$/.test(String(error?.details?.name ?? "")) ? error.details.name : "refused";
    default:
      return "internal-error";
  }
}

export class HostError extends Error {
  constructor(kind, message, details = {}) {
    super(message);
    this.name = "HostError";
    this.kind = kind;
    this.details = details;
  }
}

function classifyNativeError(error) {
  const text = String(error?.message ?? error);
  if (/No such native application|native manifest|not found|ENOENT/i.test(text)) {
    return new HostError(HOST_ERROR_KINDS.missing, text);
  }
  return new HostError(HOST_ERROR_KINDS.failed, text);
}

function isStringArray(value) {
  return Array.isArray(value) && value.every((entry) => typeof entry === "string");
}

/** Check the envelope of a reply; returns its `result` or throws a HostError. */
export function unwrapReply(reply) {
  if (reply === null || typeof reply !== "object" || Array.isArray(reply)) {
    throw new HostError(HOST_ERROR_KINDS.invalid, "reply is not an object");
  }
  if (reply.error && typeof reply.error === "object") {
    const params = reply.error.params && typeof reply.error.params === "object" ? reply.error.params : {};
    throw new HostError(HOST_ERROR_KINDS.refused, String(reply.error.message ?? "host error"), {
      code: reply.error.code,
      name: reply.error.name,
      hostVersion: reply.hostVersion,
      // A decision the host reached but could not send (206 reply-too-large): honoured.
      decision: DECISIONS.includes(params.decision) ? params.decision : null,
      // What the host said about its policy and itself, even in an error reply.
      policy: reply.policy ?? null,
      host: reply.host ?? null,
    });
  }
  if (!reply.result || typeof reply.result !== "object") {
    throw new HostError(HOST_ERROR_KINDS.invalid, "reply has neither result nor error");
  }
  return reply.result;
}

/** Validate a check result (the verdict); throws a HostError when it cannot be acted on. */
export function validateVerdict(verdict) {
  if (!DECISIONS.includes(verdict?.decision)) {
    throw new HostError(HOST_ERROR_KINDS.invalid, `unknown decision ${JSON.stringify(verdict?.decision)}`);
  }
  if (verdict.decision !== "allow") {
    const rewrite = verdict.rewrite;
    if (!rewrite || !isStringArray(rewrite.to) || !isStringArray(rewrite.cc) || !isStringArray(rewrite.bcc)) {
      throw new HostError(HOST_ERROR_KINDS.invalid, "verdict without a valid rewrite");
    }
  }
  if (verdict.findings !== undefined && !Array.isArray(verdict.findings)) {
    throw new HostError(HOST_ERROR_KINDS.invalid, "findings is not an array");
  }
  return verdict;
}

/** Request ids are unique across clients: several may share one host connection. */
let lastRequestId = 0;

/**
 * @param {object} options
 * @param {(name: string, message: object) => Promise<object>} options.sendNativeMessage
 * @param {(id: number) => void} [options.abandon] told when a request timed out (the transport
 *   stops waiting for it, without failing the other requests in flight)
 * @param {number} [options.timeoutMs]
 * @param {string} [options.client] e.g. "thunderbird/153.7.0"
 */
export function createHostClient({ sendNativeMessage, abandon = () => {}, timeoutMs = HOST_TIMEOUT_MS, client = "" }) {
  async function call(type, fields, timeout = timeoutMs) {
    lastRequestId += 1;
    const request = { protocolVersion: PROTOCOL_VERSION, id: lastRequestId, type, ...fields };
    let timer;
    const expired = new Promise((_, reject) => {
      timer = setTimeout(() => {
        abandon(request.id);
        reject(new HostError(HOST_ERROR_KINDS.timeout, `no reply within ${timeout} ms`));
      }, timeout);
    });
    const answered = Promise.resolve()
      .then(() => sendNativeMessage(HOST_NAME, request))
      .catch((error) => {
        throw classifyNativeError(error);
      });
    let reply;
    try {
      reply = await Promise.race([answered, expired]);
    } finally {
      clearTimeout(timer);
    }
    return { reply, result: unwrapReply(reply) };
  }

  return {
    /** `check`: resolves to {verdict, policy, hostVersion, host}. */
    async check(draft) {
      const { reply, result } = await call("check", { client, draft });
      // Recipients come back as indices into this very draft (protocol 2).
      const verdict = validateVerdict(resolveVerdict(result, draft));
      return { verdict, policy: reply.policy ?? null, hostVersion: reply.hostVersion ?? "", host: reply.host ?? null };
    },
    /** `report` of kind `host-error`: choices made while the host could not answer. */
    async reportHostErrors({ entries, dropped }) {
      const { result } = await call("report", { kind: "host-error", entries, dropped });
      return result;
    },
    /** `report`: the user's choice for the audit log. */
    async report(checkId, choice, reason = "") {
      const { result } = await call("report", { checkId, choice, reason });
      return result;
    },
    /** `hello`: host presence, version and policy status for the options page. */
    async hello() {
      const { reply, result } = await call("hello", {});
      return {
        ...result, policy: reply.policy ?? null, hostVersion: reply.hostVersion ?? result.hostVersion, host: reply.host ?? null,
      };
    },
  };
}
