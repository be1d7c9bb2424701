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
});

/** User-level settings and their defaults. IT may set and lock each through storage.managed. */
export const DEFAULT_SETTINGS = Object.freeze({
  // What to do when the host cannot give a verdict: "ask" | "block" | "allow".
  onHostError: "ask",
  // Host call timeout in milliseconds.
  hostTimeoutMs: HOST_TIMEOUT_MS,
  // Who decides (engine-choice.mjs): "auto" | "host" | "builtin".
  engine: "auto",
});

export const ON_HOST_ERROR_VALUES = ["ask", "block", "allow"];

export const ENGINE_VALUES = Object.freeze(["auto", "host", "builtin"]);
