// Decisions, choices and settings shared by the background, the popup and the options page.
// Names, versions and limits come from CMake: ./identity.mjs (generated, see HACKING.md).

import { HOST_TIMEOUT_MS } from "./identity.mjs";
import { rules } from "./mail-rules.mjs";

/** Decisions the host may return, from the mildest to the strictest (PROTOCOL.md). */
export const DECISIONS = rules.ACTIONS;

/** Choices reported back to the host (`report.choice`). */
export const CHOICES = Object.freeze({
  convert: "convert",
  sendAnyway: "send-anyway",
  cancel: "cancel",
  autoConvert: "auto-convert",
  hostErrorSend: "host-error-send",
  hostErrorCancel: "host-error-cancel",
  hostErrorConvert: "host-error-convert",
});

/** User-level settings and their defaults. IT may set and lock each through storage.managed. */
export const DEFAULT_SETTINGS = Object.freeze({
  // What to do when the host cannot give a verdict: "ask" | "block" | "allow".
  onHostError: "ask",
  // Host call timeout in milliseconds.
  hostTimeoutMs: HOST_TIMEOUT_MS,
  // Which host may answer (host-trust.mjs). IT only: the user cannot set these.
  // A reply whose policy was not verified by a signature is an `untrusted-host` error.
  requireSignedPolicy: false,
  // The policy key id (`bccshield-host policy status`) the reply must name; "" = any.
  expectedPolicyKeyId: "",
  // The host binary path the reply must name; "" = any.
  expectedHostPath: "",
});

export const ON_HOST_ERROR_VALUES = ["ask", "block", "allow"];

/** Settings read from storage.managed only (a user value in storage.local is ignored). */
export const MANAGED_ONLY_SETTINGS = Object.freeze(["requireSignedPolicy", "expectedPolicyKeyId", "expectedHostPath"]);

/** storage.local keys the extension keeps for itself (not settings). */
export const STORAGE_KEYS = Object.freeze({
  // The last `policy.strictestAction` a trusted host reply carried (strictest-action.mjs).
  strictestAction: "lastStrictestAction",
  // Host-error choices waiting to be reported (host-error-queue.mjs).
  hostErrorQueue: "hostErrorQueue",
});

/** At most this many host-error choices wait for the host (PROTOCOL.md: 200 per report). */
export const HOST_ERROR_QUEUE_MAX = 200;
