// Renders the model built by the background and sends back the user's choice.
// Convert is the default (focused; Enter). Escape = Cancel; closing the window = Cancel.

// Recipients listed per group; the rest is counted (thousands of rows help nobody).
import { MAX_LISTED } from "../modules/popup-model.mjs";

const id = new URLSearchParams(location.search).get("id");
let answered = false;

function answer(choice) {
  if (answered) {
    return;
  }
  answered = true;
  const reason = document.getElementById("reason").value;
  messenger.runtime.sendMessage({ command: "popupAnswer", id, choice, reason });
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) {
    node.textContent = text;
  }
  if (className) {
    node.className = className;
  }
  return node;
}

function render(model) {
  document.documentElement.lang = messenger.i18n.getUILanguage();
  document.title = `BccShield – ${model.title}`;
  document.getElementById("title").textContent = model.title;
  document.getElementById("headline").textContent = model.headline;
  const notes = document.getElementById("notes");
  for (const note of model.notes) {
    notes.append(element("li", note));
  }
  document.getElementById("explanation").textContent = model.explanation;
  const groups = document.getElementById("groups");
  for (const group of model.groups) {
    const details = element("details");
    details.open = group.open;
    const summary = element("summary");
    summary.append(element("span", group.title, "group-title"));
    if (!group.open) {
      summary.append(element("span", group.preview, "group-preview"));
    }
    details.addEventListener("toggle", () => {
      summary.querySelector(".group-preview")?.toggleAttribute("hidden", details.open);
    });
    details.append(summary);
    const list = element("ul");
    for (const recipient of group.recipients.slice(0, MAX_LISTED)) {
      const item = element("li", recipient);
      item.title = recipient;
      list.append(item);
    }
    if (group.moreLine) {
      list.append(element("li", group.moreLine, "more"));
    }
    details.append(list);
    groups.append(details);
  }
  groups.hidden = model.groups.length === 0;
  document.getElementById("omitted").textContent = model.omittedLine;
  document.getElementById("convertLine").textContent = model.convertLine;
  if (model.bulk) {
    // Large mailings: one line naming the organisation's bulk tool, with a link the
    // background opens in the default browser (windows.openDefaultBrowser).
    const line = document.getElementById("bulkLine");
    const link = element("a", model.bulk.link);
    link.href = model.bulk.url;
    link.id = "bulkLink";
    link.addEventListener("click", (event) => {
      event.preventDefault();
      messenger.runtime.sendMessage({ command: "openBulkChannel", id }).catch(() => {});
    });
    line.append(`${model.bulk.text} `, link);
    line.hidden = false;
  }
  if (model.decisionMs !== null && model.decisionMs !== undefined) {
    document.body.dataset.decisionMs = String(model.decisionMs);
  }
  if (model.timing) {
    document.body.dataset.timing = JSON.stringify(model.timing);
  }
  document.body.dataset.mode = model.mode;

  const buttons = model.buttons;
  const reasonBox = document.getElementById("reasonBox");
  const reason = document.getElementById("reason");
  const sendAnyway = document.getElementById("sendAnyway");
  for (const name of ["convert", "sendAnyway", "cancel", "ok"]) {
    const button = document.getElementById(name);
    button.textContent = model.labels[name];
    button.hidden = !buttons[name];
  }
  if (buttons.needsReason) {
    reasonBox.hidden = false;
    document.getElementById("reasonLabel").textContent = model.labels.reason;
    reason.placeholder = model.labels.reasonPlaceholder;
    const update = () => {
      sendAnyway.disabled = reason.value.trim() === "";
    };
    reason.addEventListener("input", update);
    update();
  }
  document.getElementById("convert").addEventListener("click", () => answer("convert"));
  sendAnyway.addEventListener("click", () => answer("send-anyway"));
  document.getElementById("cancel").addEventListener("click", () => answer("cancel"));
  document.getElementById("ok").addEventListener("click", () => answer("ok"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      answer(buttons.ok ? "ok" : "cancel");
    }
  });
  document.getElementById("content").hidden = false;
  document.getElementById("buttons").hidden = false;
  document.getElementById(buttons.ok ? "ok" : "convert").focus();
}

/** Resize the window to its content (between the model's limits), so 3 or 300
 * recipients both get a window without blank space or clipped text. */
async function fitWindow(limits) {
  const main = document.getElementById("content");
  const footer = document.getElementById("buttons");
  // Natural height of the content, not the flex-stretched one.
  main.style.flex = "none";
  const natural = main.scrollHeight;
  main.style.flex = "";
  const wanted = natural + footer.offsetHeight;
  const chrome = window.outerHeight - window.innerHeight;
  const height = Math.round(Math.min(limits.max, Math.max(limits.min, wanted + chrome)));
  if (Math.abs(height - window.outerHeight) > 4) {
    try {
      const current = await messenger.windows.getCurrent();
      await messenger.windows.update(current.id, { height });
      for (let i = 0; i < 20 && Math.abs(window.outerHeight - height) > 4; i++) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
    } catch {
      // Keep the first estimate: the content scrolls.
    }
  }
}

async function main() {
  const model = await messenger.runtime.sendMessage({ command: "popupModel", id });
  if (!model) {
    window.close();
    return;
  }
  render(model);
  await fitWindow(model.limits);
  document.body.dataset.ready = "true";
  setInterval(() => {
    messenger.runtime.sendMessage({ command: "keepAlive" }).catch(() => {});
  }, 10000);
}

main();
