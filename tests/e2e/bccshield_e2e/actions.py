"""What a user does in Thunderbird, driven through Marionette's chrome context:
compose, send, answer the BccShield popup, read the compose window back."""
import base64
import os
import time

POPUP_URL_PART = "/popup/popup.html"

_FIND_POPUP = """
function findPopup() {
  for (const w of Services.wm.getEnumerator("mail:extensionPopup")) {
    const b = w.document.querySelector("browser");
    if (b && b.currentURI && b.currentURI.spec.includes(%r) && b.browsingContext.currentWindowGlobal) {
      return { w, b };
    }
  }
  return null;
}
""" % POPUP_URL_PART


def open_compose(tb, subject, to="", cc="", body="Bonjour,\r\n\r\nVoici notre programme.\r\n"):
    """Open a new message window with the given recipients; wait until it is ready."""
    result = tb.js("""
const [to, cc, subject, body, resolve] = arguments;
const params = Cc["@mozilla.org/messengercompose/composeparams;1"].createInstance(Ci.nsIMsgComposeParams);
const fields = Cc["@mozilla.org/messengercompose/composefields;1"].createInstance(Ci.nsIMsgCompFields);
fields.to = to; fields.cc = cc; fields.subject = subject; fields.body = body;
params.type = Ci.nsIMsgCompType.New;
params.format = Ci.nsIMsgCompFormat.PlainText;
params.composeFields = fields;
params.identity = MailServices.accounts.defaultAccount.defaultIdentity;
const observer = {
  observe(win, topic) {
    if (topic !== "domwindowopened") return;
    win.addEventListener("compose-editor-ready", () => {
      Services.ww.unregisterNotification(observer);
      resolve({ ok: true });
    }, { once: true });
  }
};
Services.ww.registerNotification(observer);
MailServices.compose.OpenComposeWindowWithParams(null, params);
""", to, cc, subject, body, timeout_s=180)
    wait_compose_ready(tb, subject)
    return result


def wait_compose_ready(tb, subject, timeout_s=120):
    """Wait until the compose window titled ``subject`` has its pills and its tab is known
    to the extension framework (so onBeforeSend fires for it)."""
    return tb.js("""
const [subject, timeoutMs, resolve] = arguments;
(async () => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const w of Services.wm.getEnumerator("msgcompose")) {
      if (w.document.readyState === "complete" && w.gMsgCompose &&
          w.document.getElementById("msgSubject")?.value === subject &&
          w.gLoadingComplete !== false) {
        await new Promise(r => setTimeout(r, 500));
        return true;
      }
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return false;
})().then(resolve, e => resolve(String(e)));
""", subject, timeout_s * 1000, timeout_s=timeout_s + 10)


def press_send(tb, subject):
    """Press Send in the compose window titled ``subject``; returns the wall-clock ms."""
    return tb.js("""
const [subject, resolve] = arguments;
for (const w of Services.wm.getEnumerator("msgcompose")) {
  if (w.document.getElementById("msgSubject")?.value === subject) {
    const at = Date.now();
    w.setTimeout(() => w.goDoCommand("cmd_sendNow"), 0);
    resolve(at);
    return;
  }
}
resolve(null);
""", subject)


def compose_state(tb, subject):
    """The compose window titled ``subject``: open?, locked?, its recipient pills."""
    return tb.js("""
const [subject, resolve] = arguments;
for (const w of Services.wm.getEnumerator("msgcompose")) {
  if (w.document.getElementById("msgSubject")?.value === subject) {
    const rows = {};
    for (const row of w.document.querySelectorAll(".address-row")) {
      const pills = [...row.querySelectorAll("mail-address-pill")].map(p => p.fullAddress);
      if (pills.length) rows[row.dataset.recipienttype || row.id] = pills;
    }
    resolve({ open: true, locked: !!w.gWindowLocked, rows,
              pills: [...w.document.querySelectorAll("mail-address-pill")].map(p => p.fullAddress) });
    return;
  }
}
resolve({ open: false });
""", subject)


def wait_compose_unlocked(tb, subject, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    state = None
    while time.monotonic() < deadline:
        state = compose_state(tb, subject)
        if not state["open"] or not state["locked"]:
            return state
        time.sleep(0.2)
    return state


def wait_compose_closed(tb, subject, timeout_s=90):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not compose_state(tb, subject)["open"]:
            return True
        time.sleep(0.25)
    return False


def close_compose(tb, subject):
    """Close the compose window titled ``subject`` without saving (test clean-up)."""
    return tb.js("""
const [subject, resolve] = arguments;
for (const w of Services.wm.getEnumerator("msgcompose")) {
  if (w.document.getElementById("msgSubject")?.value === subject) {
    w.gContentChanged = false; w.gMsgCompose.bodyModified = false;
    w.close();
  }
}
resolve(true);
""", subject)


def wait_popup(tb, timeout_s=60):
    """Wait for the BccShield popup to be rendered; returns its text and data."""
    return tb.js(_FIND_POPUP + """
const [timeoutMs, resolve] = arguments;
(async () => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = findPopup();
    if (found) {
      try {
        const actor = found.b.browsingContext.currentWindowGlobal.getActor("MarionetteCommands");
        const info = await actor.executeScript(`
          if (document.body.dataset.ready !== "true") return null;
          const visible = id => { const e = document.getElementById(id); return !!e && !e.hidden; };
          return {
            text: document.body.innerText,
            title: document.getElementById("title").textContent,
            headline: document.getElementById("headline").textContent,
            convertLine: document.getElementById("convertLine").textContent,
            mode: document.body.dataset.mode,
            decisionMs: document.body.dataset.decisionMs ? Number(document.body.dataset.decisionMs) : null,
            timing: document.body.dataset.timing ? JSON.parse(document.body.dataset.timing) : null,
            focused: document.activeElement ? document.activeElement.id : null,
            lang: document.documentElement.lang,
            buttons: ["convert", "sendAnyway", "cancel", "ok"].filter(visible),
            scrollOverflowX: document.documentElement.scrollWidth > document.documentElement.clientWidth,
          };`, [], {});
        if (info) {
          info.readyAt = Date.now();
          info.windowSize = [found.w.outerWidth, found.w.outerHeight];
          return info;
        }
      } catch (e) { /* page still loading */ }
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return null;
})().then(resolve, e => resolve({ error: String(e) }));
""", timeout_s * 1000, timeout_s=timeout_s + 10)


def popup_script(tb, script, args=()):
    """Run ``script`` inside the popup page (content of the extension)."""
    return tb.js(_FIND_POPUP + """
const [script, args, resolve] = arguments;
(async () => {
  const found = findPopup();
  if (!found) return { error: "no popup" };
  const actor = found.b.browsingContext.currentWindowGlobal.getActor("MarionetteCommands");
  return await actor.executeScript(script, args, {});
})().then(resolve, e => resolve({ error: String(e) }));
""", script, list(args))


def click(tb, button_id):
    return popup_script(tb, "document.getElementById(arguments[0]).click(); return true;", [button_id])


def press_key(tb, key):
    """Dispatch a key press to the popup page (Enter activates the focused button)."""
    return popup_script(tb, """
const key = arguments[0];
const target = document.activeElement || document.body;
if (key === "Enter" && target.tagName === "BUTTON") { target.click(); return target.id; }
target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
return target.id || target.tagName;
""", [key])


def popup_open(tb):
    return tb.js(_FIND_POPUP + "arguments[0](!!findPopup());")


def wait_popup_closed(tb, timeout_s=30):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not popup_open(tb):
            return True
        time.sleep(0.1)
    return False


def close_popup_window(tb):
    """Close the popup window itself (the window manager's close button)."""
    return tb.js(_FIND_POPUP + "const f = findPopup(); if (f) f.w.close(); arguments[0](!!f);")


def _value(reply):
    return reply.get("value", reply) if isinstance(reply, dict) else reply


def screenshot_popup(tb, path):
    """Save a PNG of the popup window (chrome and page) to ``path``."""
    marionette = tb.marionette
    current = _value(marionette.command("WebDriver:GetWindowHandle"))
    shot = None
    try:
        for handle in _value(marionette.command("WebDriver:GetWindowHandles")):
            marionette.command("WebDriver:SwitchToWindow", {"handle": handle, "focus": False})
            is_popup = tb.js("""
const [part, resolve] = arguments;
const b = window.document.querySelector("browser");
resolve(window.document.documentElement.getAttribute("windowtype") === "mail:extensionPopup"
        && !!b && b.currentURI.spec.includes(part));
""", POPUP_URL_PART)
            if is_popup:
                shot = _value(marionette.command("WebDriver:TakeScreenshot", {"full": False, "hash": False}))
                break
    finally:
        marionette.command("WebDriver:SwitchToWindow", {"handle": current, "focus": False})
    if shot is None:
        return None
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(base64.b64decode(shot))
    return path


def options_page(tb, script, args=(), extension_id="bccshield@bccshield.org"):
    """Open the extension's options page in a tab, wait until it shows the host status,
    run ``script`` in it, close the tab; returns what the script returns."""
    return tb.js("""
const [id, script, args, resolve] = arguments;
(async () => {
  const url = WebExtensionPolicy.getByID(id).getURL("options/options.html");
  const win = Services.wm.getMostRecentWindow("mail:3pane");
  const tab = win.openTab("contentTab", { url, background: false });
  const browser = tab.browser;
  try {
    for (let i = 0; i < 300; i++) {
      const global = browser.browsingContext?.currentWindowGlobal;
      if (global && browser.currentURI.spec === url) {
        try {
          const actor = global.getActor("MarionetteCommands");
          const ready = await actor.executeScript("return !!document.getElementById('hostStatus').dataset.found;", [], {});
          if (ready) return await actor.executeScript(script, args, {});
        } catch (e) { /* loading */ }
      }
      await new Promise(r => setTimeout(r, 100));
    }
    return { error: "options page did not show the host status" };
  } finally {
    win.document.getElementById("tabmail").closeTab(tab);
  }
})().then(resolve, e => resolve({ error: String(e) }));
""", extension_id, script, list(args), timeout_s=60)
