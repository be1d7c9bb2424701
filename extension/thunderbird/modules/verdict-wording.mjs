// The shared wording (verdict-wording.js, a plain ES2016 script the Outlook add-in concatenates
// into its bundle) as an ES module for Thunderbird. Imported for its effect: the script publishes
// BccShieldWording on globalThis.
import "./mail-rules.js"; // the wording reads BccShieldMailRules
import "./verdict-wording.js";

export const wording = globalThis.BccShieldWording;
