// Which host answered, and whether IT's expectations hold (managed settings
// requireSignedPolicy, expectedPolicyKeyId, expectedHostPath; wire fields in PROTOCOL.md:
// `policy.keyId`, `policy.status`, `host.{path, manifest, systemHost, systemManifest,
// overridden}`). Pure: used by the send path for every engine (native host, built-in) and by
// the options page. A problem is always shown; it makes the host untrusted (host error
// `untrusted-host`) only when IT set one of the three settings: without them a user-level
// host is only made visible, not refused.

import { MANAGED_ONLY_SETTINGS } from "./constants.mjs";

/** What a problem is about; each has a sentence in _locales (TRUST_MESSAGES). */
export const TRUST_CHECKS = Object.freeze({
  unsignedPolicy: "unsignedPolicy", // requireSignedPolicy, but no verified signature / status not ok
  policyKeyId: "policyKeyId", // expectedPolicyKeyId differs from policy.keyId
  hostPath: "hostPath", // expectedHostPath differs from host.path
  userManifest: "userManifest", // a per-user manifest (it shadows the system one)
  userHost: "userHost", // the binary is not the system-installed host
  overridden: "overridden", // an environment override was honoured
  hostUnknown: "hostUnknown", // the reply does not say which host it is (older host)
  invalidSetting: "invalidSetting", // IT set a value this version cannot check against
});

export const TRUST_MESSAGES = Object.freeze({
  unsignedPolicy: "popupTrustUnsignedPolicy",
  policyKeyId: "popupTrustPolicyKeyId",
  hostPath: "popupTrustHostPath",
  userManifest: "popupTrustUserManifest",
  userHost: "popupTrustUserHost",
  overridden: "popupTrustOverridden",
  hostUnknown: "popupTrustHostUnknown",
  invalidSetting: "popupTrustInvalidSetting",
});

/** True when IT set an expectation: then every problem refuses the host. */
export function trustEnforced(settings) {
  const values = settings?.values ?? {};
  const invalid = settings?.invalidManaged ?? [];
  return values.requireSignedPolicy === true || Boolean(values.expectedPolicyKeyId) ||
    Boolean(values.expectedHostPath) || invalid.some((key) => MANAGED_ONLY_SETTINGS.includes(key));
}

const shown = (value) => (value === null || value === undefined || value === "" ? null : String(value));

/**
 * @param {{policy?: object|null, host?: object|null}} reply what the host said about itself
 * @param {{values: object, invalidManaged?: string[]}} settings resolved settings
 * @returns {{enforced: boolean, untrusted: boolean, problems: {check: string, expected?: string|null, got?: string|null}[]}}
 */
export function assessHost(reply, settings) {
  const values = settings?.values ?? {};
  const policy = reply?.policy ?? null;
  const host = reply?.host && typeof reply.host === "object" ? reply.host : null;
  const enforced = trustEnforced(settings);
  const problems = [];
  for (const key of settings?.invalidManaged ?? []) {
    if (MANAGED_ONLY_SETTINGS.includes(key)) {
      problems.push({ check: TRUST_CHECKS.invalidSetting, expected: key, got: null });
    }
  }
  const keyId = typeof policy?.keyId === "string" ? policy.keyId.toLowerCase() : null;
  if (values.requireSignedPolicy === true && (keyId === null || policy?.status !== "ok")) {
    problems.push({ check: TRUST_CHECKS.unsignedPolicy, expected: "ok", got: shown(policy?.status) });
  }
  if (values.expectedPolicyKeyId && keyId !== values.expectedPolicyKeyId) {
    problems.push({ check: TRUST_CHECKS.policyKeyId, expected: values.expectedPolicyKeyId, got: keyId });
  }
  if (values.expectedHostPath && host?.path !== values.expectedHostPath) {
    problems.push({ check: TRUST_CHECKS.hostPath, expected: values.expectedHostPath, got: shown(host?.path) });
  }
  if (!host) {
    // An older host says nothing about itself: only worth a word when IT expects something.
    if (enforced) {
      problems.push({ check: TRUST_CHECKS.hostUnknown });
    }
  } else {
    if (host.systemManifest === false) {
      problems.push({ check: TRUST_CHECKS.userManifest, got: shown(host.manifest) });
    }
    if (host.systemHost === false) {
      problems.push({ check: TRUST_CHECKS.userHost, got: shown(host.path) });
    }
    if (host.overridden === true) {
      problems.push({ check: TRUST_CHECKS.overridden });
    }
  }
  return { enforced, untrusted: enforced && problems.length > 0, problems };
}

/**
 * The built-in engine (no host, no signature) cannot meet a signature expectation: with
 * requireSignedPolicy or expectedPolicyKeyId set it must not decide (host error
 * `untrusted-host`).
 */
export function builtInEngineAllowed(settings) {
  const values = settings?.values ?? {};
  return values.requireSignedPolicy !== true && !values.expectedPolicyKeyId &&
    !(settings?.invalidManaged ?? []).some((key) => key !== "expectedHostPath" && MANAGED_ONLY_SETTINGS.includes(key));
}

/** One sentence per problem, for the popup and the options page. `t` = i18n lookup. */
export function trustLines(problems, t) {
  return (problems ?? []).map((problem) => t(TRUST_MESSAGES[problem.check] ?? "popupTrustHostUnknown", [
    problem.expected ?? "", problem.got ?? t("popupTrustNone"),
  ]));
}
