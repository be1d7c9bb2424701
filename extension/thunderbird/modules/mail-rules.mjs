// The shared mail facts (mail-rules.js, a plain ES2016 script the Outlook add-in concatenates
// into its bundle) as an ES module for Thunderbird.
import "./mail-rules.js";

export const rules = globalThis.BccShieldMailRules;
