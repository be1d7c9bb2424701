// Wires Thunderbird events to the pure modules. No decision logic lives here.

import { createSendGuard } from "./modules/send-guard.mjs";
import { createListExpander } from "./modules/list-expander.mjs";
import { originalFromMessageHeader } from "./modules/draft-mapper.mjs";
import { loadSettings } from "./modules/settings.mjs";
import { createHostClient } from "./modules/host-client.mjs";
import { assessHost } from "./modules/host-trust.mjs";
import { createStrictestActionMemory } from "./modules/strictest-action.mjs";
import { createHostErrorQueue } from "./modules/host-error-queue.mjs";
import {
  buildPopupModel, createTranslator, popupSize, POPUP_MAX_HEIGHT, POPUP_MIN_HEIGHT,
} from "./modules/popup-model.mjs";
import { CHOICES, DEFAULT_SETTINGS } from "./modules/constants.mjs";
import { HOST_NAME } from "./modules/identity.mjs";
import { createPortTransport } from "./modules/native-port.mjs";
import { versionMismatchNote } from "./modules/host-version.mjs";
import { createBuiltinEngine } from "./modules/builtin-engine.mjs";
import { createEngineChoice, createHostMemory, loadManagedPolicy } from "./modules/engine-choice.mjs";
import { createBatchSender } from "./modules/batch-sender.mjs";
import { isWebLink } from "./modules/popup-model.mjs";

const translator = createTranslator(
  (key, substitutions) => messenger.i18n.getMessage(key, substitutions),
  messenger.i18n.getUILanguage(),
);

/** Open popups: id -> {model, windowId, resolve}. */
const popups = new Map();
/** Recent decisions and errors (diagnostics; kept small). */
const journal = [];

let clientNamePromise = null;
function clientName() {
  clientNamePromise ??= messenger.runtime.getBrowserInfo()
    .then((info) => `${info.name.toLowerCase()}/${info.version}`)
    .catch(() => "thunderbird");
  return clientNamePromise;
}

// One host process while compose windows are open (started when one opens), so Send does
// not wait for a process start. A host failure retires the connection: the next check
// starts a new host, while the other windows' checks in flight finish on the old one.
const transport = createPortTransport({ connectNative: (name) => messenger.runtime.connectNative(name) });

// The engine inside the XPI: imported and instantiated on first use, once per background wake
// (an MV3 background is suspended when idle and starts afresh on the next event).
const builtinEngine = createBuiltinEngine();
const hostMemory = createHostMemory(messenger.storage);
/** storage.local key of which engine decided the last check (options page); no addresses. */
const LAST_CHECK_KEY = "lastCheck";

messenger.windows.onCreated.addListener(async (window) => {
  if (window.type !== "messageCompose") {
    return;
  }
  const { values } = await currentSettings();
  if (values.engine !== "builtin") {
    transport.warm(HOST_NAME);
  }
  if (values.engine === "builtin" || (values.engine === "auto" && !(await hostMemory.answeredBefore()))) {
    builtinEngine.warm();
  }
});
messenger.windows.onRemoved.addListener(async () => {
  const composers = await messenger.windows.getAll({ windowTypes: ["messageCompose"] }).catch(() => []);
  if (composers.length === 0) {
    transport.closeWhenIdle();
  }
});

// Shared by every compose window (one background): what the policy can block, and the
// host-error choices waiting for the audit log.
const strictestAction = createStrictestActionMemory(messenger.storage.local);
const hostErrorQueue = createHostErrorQueue({ local: messenger.storage.local });

function record(event) {
  if (event.event === "host-error") {
    transport.retire();
  }
  journal.push({ at: Date.now(), ...event });
  if (journal.length > 50) {
    journal.shift();
  }
  console.info("BccShield", JSON.stringify(event));
}

async function openPopup(input, waitForAnswer) {
  const model = buildPopupModel(input, translator);
  const versionNote = versionMismatchNote(input.hostVersion, translator, "popupVersionMismatch");
  if (versionNote) {
    model.notes.push(versionNote);
  }
  model.decisionMs = input.decisionMs ?? null;
  model.timing = input.timing ?? null;
  model.limits = { min: POPUP_MIN_HEIGHT, max: POPUP_MAX_HEIGHT };
  const id = crypto.randomUUID();
  const { width, height } = popupSize(model);
  const entry = { model, windowId: null, resolve: null };
  const answered = new Promise((resolve) => {
    entry.resolve = resolve;
  });
  popups.set(id, entry);
  try {
    const win = await messenger.windows.create({
      type: "popup",
      url: `popup/popup.html?id=${encodeURIComponent(id)}`,
      width,
      height,
      allowScriptsToClose: true,
    });
    entry.windowId = win.id;
  } catch (error) {
    popups.delete(id);
    throw error;
  }
  if (!waitForAnswer) {
    answered.then(() => popups.delete(id));
    return null;
  }
  const answer = await answered;
  popups.delete(id);
  return answer;
}

function settle(id, answer) {
  const entry = popups.get(id);
  if (!entry) {
    return;
  }
  entry.resolve(answer);
  if (entry.windowId !== null) {
    messenger.windows.remove(entry.windowId).catch(() => {});
  }
}

messenger.windows.onRemoved.addListener((windowId) => {
  for (const [id, entry] of popups) {
    if (entry.windowId === windowId) {
      entry.resolve({ choice: CHOICES.cancel });
    }
  }
});

// Settings are read once and re-read after a change (user or policy): no storage round
// trip on the send path.
let settingsPromise = null;
function currentSettings() {
  settingsPromise ??= loadSettings(messenger.storage);
  return settingsPromise;
}
let managedPolicyPromise = null;
function currentManagedPolicy() {
  managedPolicyPromise ??= loadManagedPolicy(messenger.storage);
  return managedPolicyPromise;
}
messenger.storage.onChanged.addListener((changes, area) => {
  // Our own bookkeeping (strictest action, host-error queue, last check) is not a setting.
  const keys = Object.keys(changes ?? {});
  if (area === "local" && !keys.some((key) => Object.hasOwn(DEFAULT_SETTINGS, key) || key === "policy")) {
    return;
  }
  settingsPromise = null;
  managedPolicyPromise = null;
});

const inform = (input) => {
  openPopup(input, false).catch((error) => record({ event: "inform-failed", error: String(error) }));
};

// Large mailings: the other batches of a split Convert (issue 14).
const batches = createBatchSender({
  compose: messenger.compose,
  isOpen: (tabId) => messenger.tabs.get(tabId).then(() => true, () => false),
  session: messenger.storage.session,
  inform,
  record,
});

const guard = createSendGuard({
  loadSettings: currentSettings,
  expand: createListExpander(messenger),
  readOriginal: async (messageId) => originalFromMessageHeader(await messenger.messages.get(messageId)),
  sendNativeMessage: (name, message) => transport.send(name, message),
  abandonRequest: (id) => transport.forget(id),
  strictestAction,
  hostErrorQueue,
  clientName,
  chooseEngine: ({ hostClient, settings }) => createEngineChoice({
    host: hostClient,
    builtin: builtinEngine,
    memory: hostMemory,
    values: settings.values,
    invalidManaged: settings.invalidManaged ?? [],
    managedPolicy: currentManagedPolicy,
  }),
  decided: ({ engine, hostVersion, policy }) => {
    messenger.storage.local.set({ [LAST_CHECK_KEY]: { engine, hostVersion, policy, at: Date.now() } }).catch(() => {});
  },
  ask: (input) => openPopup(input, true),
  inform,
  record,
  batches,
});

/** `hello` for the options page: which host answers and whether IT's expectations hold. */
async function hostStatus() {
  const settings = await loadSettings(messenger.storage);
  if (settings.values.engine === "builtin") {
    return { found: false, notUsed: true };
  }
  const client = createHostClient({
    sendNativeMessage: (name, request) => messenger.runtime.sendNativeMessage(name, request),
    timeoutMs: settings.values.hostTimeoutMs,
  });
  let hello;
  try {
    hello = await client.hello();
    hostMemory.noteAnswered();  // a host is installed: from now on a missing one is a host error
  } catch (error) {
    return {
      found: false,
      kind: error.kind ?? "failed",
      message: String(error.message ?? error),
      hostVersion: error.details?.hostVersion,
      trust: assessHost({ policy: error.details?.policy, host: error.details?.host }, settings),
    };
  }
  const trust = assessHost(hello, settings);
  if (!trust.untrusted) {
    await strictestAction.update(hello.policy).catch(() => {});
    // sendNativeMessage starts a host process of its own; the queue is delivered through it.
    hostErrorQueue.flush((batch) => client.reportHostErrors(batch)).catch(() => 0);
  }
  return { found: true, ...hello, trust };
}

// Registered synchronously at top level so a sleeping MV3 background is woken by Send.
messenger.compose.onBeforeSend.addListener((tab, details) => guard.onBeforeSend(tab, details));
messenger.compose.onAfterSend.addListener((tab, info) => batches.onAfterSend(tab, info));

messenger.runtime.onMessage.addListener((message) => {
  switch (message?.command) {
    case "popupModel":
      return Promise.resolve(popups.get(message.id)?.model ?? null);
    case "popupAnswer":
      settle(message.id, { choice: message.choice, reason: message.reason ?? "" });
      return Promise.resolve(true);
    case "openBulkChannel": {
      // The organisation's bulk tool, in the default browser; only a web link the model named.
      const url = popups.get(message.id)?.model?.bulk?.url;
      return isWebLink(url) ? messenger.windows.openDefaultBrowser(url).then(() => true) : Promise.resolve(false);
    }
    case "keepAlive":
      // The popup pings while it is open: keeps the MV3 background (and the pending
      // onBeforeSend promise) alive however long the user thinks.
      return Promise.resolve(true);
    case "hostStatus":
      return hostStatus();
    case "engineStatus":
      // The built-in engine's version and IT's policy as it would apply it; the last check.
      return (async () => {
        const stored = await messenger.storage.local.get(LAST_CHECK_KEY).catch(() => ({}));
        const builtin = await Promise.all([builtinEngine.info(), builtinEngine.policyStatus(await currentManagedPolicy())])
          .then(([info, policy]) => ({ ok: true, version: info.hostVersion, policy }))
          .catch((error) => ({ ok: false, message: String(error?.message ?? error) }));
        return { lastCheck: stored?.[LAST_CHECK_KEY] ?? null, builtin };
      })();
    case "journal":
      return Promise.resolve(journal);
    default:
      return undefined;
  }
});
