// The extension and the host ship together: a host of another version is shown to the user
// (options page, popup), not only logged. Every reply carries `hostVersion` (PROTOCOL.md).

import { EXTENSION_VERSION } from "./identity.mjs";

/** True when the host said which version it is and that is not this extension's version. */
export function isVersionMismatch(hostVersion) {
  return typeof hostVersion === "string" && hostVersion !== "" && hostVersion !== EXTENSION_VERSION;
}

/**
 * The sentence for a mismatch, or "" when the versions agree (or the host did not answer).
 * @param {string|undefined} hostVersion
 * @param {{t: (key: string, substitutions?: string[]) => string}} tr
 * @param {"popupVersionMismatch"|"optionsVersionMismatch"} key
 */
export function versionMismatchNote(hostVersion, tr, key) {
  return isVersionMismatch(hostVersion) ? tr.t(key, [hostVersion, EXTENSION_VERSION]) : "";
}
