#!/usr/bin/python3
"""BccShield end-to-end: what the real Thunderbird and the real XPI do when the native host
misbehaves (crash mid-check, hang past hostTimeoutMs, garbage frame, oversize frame, exit at
once), plus two compose windows sending at the same time with the real host.

    /usr/bin/python3 tests/e2e/run_host_faults.py --host build/dev/host/bccshield-host \
        --xpi build/dev/extension/bccshield.xpi [--artifacts DIR] [--only crash,hang] [--headless]

Fault hosts are small Python scripts written at run time into the throwaway Thunderbird's
scratch folder and registered in its HOME's native manifest instead of the real host
(bccshield_e2e/faults.py). Settings (onHostError, hostTimeoutMs) are changed the way a user
does, in the options page. Nothing about time is asserted.
"""
import argparse
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bccshield_e2e import actions  # noqa: E402
from bccshield_e2e.faults import FaultHosts  # noqa: E402
from bccshield_e2e.mailbox import address_of, private_people  # noqa: E402
from bccshield_e2e.scenarios import exit_code, print_summary, run_scenarios, select, setup_failed, write_results  # noqa: E402
from bccshield_e2e.thunderbird import SENDER_EMAIL, Thunderbird  # noqa: E402
from run_e2e import (IDLE_TIMEOUT_MS, OPTIONS_STATE, cancel_and_check_draft, check,  # noqa: E402
                     header_addresses, send_and_wait_popup, sent_raw, set_on_host_error)

# Short enough that the hang scenario does not wait 8 s; the real host is never checked with it.
SHORT_TIMEOUT_MS = 2000

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "extension", "thunderbird",
                       "_locales", "en", "messages.json"), encoding="utf-8") as _messages:
    MESSAGES = {key: value["message"] for key, value in json.load(_messages).items()}
# What each fault must make the popup say (popup-model.mjs maps the error kind to a message),
# and what the fault host must have done (its own log) before the popup counts.
EXPECTED = {
    "crash": ("popupHostErrorFailed", ["crash started", "crash read check"]),
    "crash-exit": ("popupHostErrorFailed", ["crash-exit started", "crash-exit read check"]),
    "hang": ("popupHostErrorTimeout", ["hang started", "hang read check"]),
    "garbage": ("popupHostErrorFailed", ["garbage started", "garbage read check", "garbage wrote"]),
    "oversize": ("popupHostErrorFailed", ["oversize started", "oversize read check", "oversize wrote"]),
    "exit-at-once": ("popupHostErrorFailed", ["exit-at-once started"]),
}

SET_TIMEOUT = """
const box = document.querySelector("input[name=hostTimeoutMs]");
box.value = String(arguments[0]);
box.dispatchEvent(new Event("change", { bubbles: true }));
return true;
"""
READ_TIMEOUT = "return document.querySelector('input[name=hostTimeoutMs]').value;"


class Context:
    def __init__(self, tb, artifacts, faults):
        self.tb = tb
        self.artifacts = artifacts
        self.faults = faults


def set_host_timeout(tb, value):
    """Type ``value`` in the options page's host timeout field, read it back from a fresh page."""
    actions.options_page(tb, SET_TIMEOUT, [value])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if str(actions.options_page(tb, READ_TIMEOUT)) == str(value):
            return True
        time.sleep(0.3)
    return False


def use_fault_host(ctx, kind):
    """No host process left running (real or fault), then register fault host ``kind``."""
    check(ctx.tb.wait_host_stopped(), "the real host still runs with no compose window open")
    if not ctx.faults.wait_stopped():
        ctx.faults.kill_leftovers()
    ctx.faults.clear_log()
    ctx.faults.install(kind)


def check_fault_ran(ctx, kind, popup):
    """The popup names the right failure, and the fault host really ran and did its fault."""
    message, steps = EXPECTED[kind]
    check(popup["headline"] == MESSAGES[message], f"{kind}: expected {message!r}, popup says {popup['headline']!r}")
    log = ctx.faults.log()
    missing = [step for step in steps if step not in log]
    check(not missing, f"{kind}: the fault host did not do {missing} (its log: {log})")
    if kind == "exit-at-once":
        check(not any(" read " in line for line in log), f"exit-at-once read a request: {log}")
    print(f"    fault host log: {log}", flush=True)


def people_for(seed):
    """20 private addresses in To and 10 in Cc (the draft must keep all 30)."""
    to = private_people(20, seed=seed, prefix="to.")
    cc = private_people(10, seed=seed, prefix="cc.")
    return to, cc


def fault_ask(ctx, kind, seed):
    """onHostError=ask: the host-error popup; Cancel sends nothing and keeps the whole draft."""
    tb, subject = ctx.tb, f"Programme (panne {kind})"
    to, cc = people_for(seed)
    use_fault_host(ctx, kind)
    try:
        popup = send_and_wait_popup(ctx, subject, ", ".join(to), cc=", ".join(cc))
        check(popup["mode"] == "hostError", f"expected the host-error popup, got {popup['mode']}")
        check(popup["buttons"] == ["convert", "sendAnyway", "cancel"], f"buttons: {popup['buttons']}")
        check(popup["focused"] != "sendAnyway", "Send anyway is the default button on a host error")
        check_fault_ran(ctx, kind, popup)
        shot = actions.screenshot_popup(tb, os.path.join(ctx.artifacts, f"popup-en-fault-{kind}.png"))
        print(f"    headline: {popup['headline']}\n    text: {' / '.join(popup['text'].splitlines()[:4])}"
              f"\n    screenshot: {shot}", flush=True)
        check(not tb.sink.find(subject), "a message left while the host-error popup was open")
        state = cancel_and_check_draft(ctx, subject, to + cc)
        cc_pills = {address_of(p).lower() for p in state["rows"].get("addr_cc", [])}
        if state["rows"].get("addr_cc") is not None:
            check({address_of(c).lower() for c in cc} <= cc_pills, "Cc recipients moved or lost after Cancel")
    finally:
        ctx.faults.restore()
    actions.close_compose(tb, subject)
    check(ctx.faults.wait_stopped(), f"the {kind} fault host still runs after its compose window closed")
    check(not tb.sink.find(subject), "a message was sent after Cancel")


def scenario_crash(ctx):
    """Host reads the request then SIGKILLs itself: ask popup, Cancel keeps the draft."""
    fault_ask(ctx, "crash", 101)


def scenario_crash_exit(ctx):
    """Host reads the request then exits 3 without replying: ask popup, Cancel keeps the draft."""
    fault_ask(ctx, "crash-exit", 102)


def scenario_hang(ctx):
    """Host never replies (past hostTimeoutMs): ask popup, Cancel keeps the draft."""
    fault_ask(ctx, "hang", 103)


def scenario_garbage(ctx):
    """Host replies with a frame that is not JSON: ask popup, Cancel keeps the draft."""
    fault_ask(ctx, "garbage", 104)


def scenario_oversize(ctx):
    """Host announces a 2 MiB frame (over 1 MiB): ask popup, Cancel keeps the draft."""
    fault_ask(ctx, "oversize", 105)


def scenario_exit_at_once(ctx):
    """Host exits before reading anything: ask popup, Cancel keeps the draft."""
    fault_ask(ctx, "exit-at-once", 106)


def scenario_block_convert(ctx):
    """onHostError=block, host crashes: only Convert/Cancel; Convert delivers, addresses in Bcc only."""
    tb, subject = ctx.tb, "Programme (panne, règle bloquer)"
    to, cc = people_for(107)
    check(set_on_host_error(tb, "block"), "could not set onHostError=block in the options page")
    try:
        use_fault_host(ctx, "crash")
        try:
            popup = send_and_wait_popup(ctx, subject, ", ".join(to), cc=", ".join(cc))
            check(popup["mode"] == "hostError", f"expected the host-error popup, got {popup['mode']}")
            check(popup["buttons"] == ["convert", "cancel"], f"Send anyway offered despite block: {popup['buttons']}")
            check_fault_ran(ctx, "crash", popup)
            shot = actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "popup-en-fault-crash-block.png"))
            print(f"    headline: {popup['headline']}\n    screenshot: {shot}", flush=True)
            check(not tb.sink.find(subject), "a message left while the block popup was open")
            actions.click(tb, "convert")
            message = tb.sink.wait_for(subject)
            check(message is not None, "nothing reached the SMTP sink after Convert")
            to_header = str(message["message"]["To"])
            check(address_of(to_header).lower() == SENDER_EMAIL, f"To is not the sender: {to_header}")
            check(message["message"]["Cc"] is None, f"a Cc header was sent: {message['message']['Cc']}")
            others = header_addresses(sent_raw(message)) - {SENDER_EMAIL}
            check(not others, f"addresses visible in the headers: {sorted(others)[:5]}")
            lost = {address_of(p).lower() for p in to + cc} - {r.lower() for r in message["rcptTos"]}
            check(not lost, f"recipients lost from the envelope: {sorted(lost)[:5]}")
            check(actions.wait_compose_closed(tb, subject), "compose window still open after Convert")
            time.sleep(1.0)
            check(len(tb.sink.find(subject)) == 1, "more than one message sent")
        finally:
            ctx.faults.restore()
    finally:
        check(set_on_host_error(tb, "ask"), "could not set onHostError back to ask")


SEND_BOTH = """
const [subjects, resolve] = arguments;
const at = Date.now();
let found = 0;
for (const w of Services.wm.getEnumerator("msgcompose")) {
  if (subjects.includes(w.document.getElementById("msgSubject")?.value)) {
    found++;
    w.setTimeout(() => w.goDoCommand("cmd_sendNow"), 0);
  }
}
resolve({ at, found });
"""


def scenario_concurrent(ctx):
    """Real host, two compose windows sent at once: 30 private -> popup; 5 colleagues -> sent."""
    tb = ctx.tb
    private_subject, team_subject = "Sortie simultanée (30)", "Réunion simultanée (5)"
    people = private_people(30, seed=108)
    colleagues = [f"Collègue {i} <agent{i}@tourisme-lac.example>" for i in range(5)]
    actions.open_compose(tb, private_subject, to=", ".join(people))
    actions.open_compose(tb, team_subject, to=", ".join(colleagues))
    sent = tb.js(SEND_BOTH, [private_subject, team_subject])
    check(sent["found"] == 2, f"compose windows found: {sent}")
    message = tb.sink.wait_for(team_subject, timeout_s=60)
    check(message is not None, "the message to colleagues was not sent")
    envelope = {r.lower() for r in message["rcptTos"]}
    check({address_of(c).lower() for c in colleagues} <= envelope, "colleagues missing from the envelope")
    popup = actions.wait_popup(tb, timeout_s=90)
    check(popup and "error" not in popup, f"no popup for the private draft: {popup}")
    check(popup["mode"] == "warn", f"expected a warn popup, got {popup['mode']}")
    check("30" in popup["headline"], f"the popup does not count the private draft's 30: {popup['headline']}")
    print(f"    headline: {popup['headline']}", flush=True)
    actions.screenshot_popup(tb, os.path.join(ctx.artifacts, "popup-en-concurrent.png"))
    check(not tb.sink.find(private_subject), "the private draft left before the user decided")
    check(actions.wait_compose_closed(tb, team_subject), "the colleagues' compose window is still open")
    check(len(tb.sink.find(team_subject)) == 1, "the colleagues' message was sent more than once")
    cancel_and_check_draft(ctx, private_subject, people)
    actions.close_compose(tb, private_subject)


def scenario_concurrent_popups(ctx):
    """Real host, two private drafts (12 and 30) sent at once: each popup counts its own draft."""
    tb = ctx.tb
    subjects = {"Sortie A (12)": private_people(12, seed=109, prefix="a."),
                "Sortie B (30)": private_people(30, seed=110, prefix="b.")}
    for subject, people in subjects.items():
        actions.open_compose(tb, subject, to=", ".join(people))
    sent = tb.js(SEND_BOTH, list(subjects))
    check(sent["found"] == 2, f"compose windows found: {sent}")
    seen = set()
    for _ in range(2):
        popup = actions.wait_popup(tb, timeout_s=90)
        check(popup and "error" not in popup and popup.get("mode") == "warn", f"no warn popup: {popup}")
        count = "30" if "30" in popup["headline"] else "12" if "12" in popup["headline"] else None
        check(count and count not in seen, f"unexpected or repeated popup: {popup['headline']}")
        seen.add(count)
        print(f"    headline: {popup['headline']}", flush=True)
        actions.click(tb, "cancel")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the answered popup closes (the other may stay)
            other = actions.wait_popup(tb, timeout_s=1)
            if not other or other.get("headline") != popup["headline"]:
                break
            time.sleep(0.2)
    check(seen == {"12", "30"}, f"popups seen: {seen}")
    for subject, people in subjects.items():
        state = actions.wait_compose_unlocked(tb, subject)
        check(state and state["open"] and not state["locked"], f"{subject}: draft lost or still locked")
        missing = {address_of(p).lower() for p in people} - {address_of(p).lower() for p in state["pills"]}
        check(not missing, f"{subject}: recipients lost: {sorted(missing)[:5]}")
    time.sleep(1.0)
    for subject in subjects:
        check(not tb.sink.find(subject), f"{subject} was sent although both were cancelled")
        actions.close_compose(tb, subject)


def setup_short_timeout(ctx):
    """Options page: hostTimeoutMs set to a short value (so the hang scenario stays short)."""
    check(set_host_timeout(ctx.tb, SHORT_TIMEOUT_MS), f"could not set hostTimeoutMs={SHORT_TIMEOUT_MS}")
    page = actions.options_page(ctx.tb, OPTIONS_STATE)
    check(page.get("onHostError") == "ask", f"onHostError is not ask: {page}")


# The real-host scenarios run first, with the default timeout.
SCENARIOS = [("concurrent", scenario_concurrent), ("concurrent-popups", scenario_concurrent_popups),
             ("timeout", setup_short_timeout),
             ("crash", scenario_crash), ("crash-exit", scenario_crash_exit), ("hang", scenario_hang),
             ("garbage", scenario_garbage), ("oversize", scenario_oversize),
             ("exit-at-once", scenario_exit_at_once), ("block", scenario_block_convert)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", required=True, help="path of the built bccshield-host")
    parser.add_argument("--xpi", required=True, help="path of the built bccshield.xpi")
    parser.add_argument("--artifacts", default=os.environ.get("BCCSHIELD_ARTIFACTS", "artifacts/e2e-host-faults"))
    parser.add_argument("--only", type=lambda s: set(s.split(",")), default=None,
                        help="comma-separated scenario names: " + ",".join(n for n, _ in SCENARIOS))
    parser.add_argument("--headless", action="store_true", help="thunderbird --headless instead of Xvfb")
    args = parser.parse_args()
    for path in (args.host, args.xpi):
        if not os.path.isfile(path):
            print(f"missing: {path}", file=sys.stderr)
            return 2
    args.host = os.path.abspath(args.host)
    args.artifacts = os.path.abspath(args.artifacts)
    os.makedirs(args.artifacts, exist_ok=True)
    selected = select(SCENARIOS, args.only, always=("timeout",))
    results = []
    began = time.monotonic()
    faults = None
    try:
        with Thunderbird(args.host, args.xpi, args.artifacts, locale="en-US", headless=args.headless,
                         prefs={"extensions.background.idle.timeout": IDLE_TIMEOUT_MS}) as tb:
            print(f"== Thunderbird started in {time.monotonic() - began:.1f} s (scratch {tb.root}) ==", flush=True)
            faults = FaultHosts(tb, tb.root)
            ctx = Context(tb, args.artifacts, faults)
            try:
                run_scenarios(tb, ctx, selected, args.artifacts, results, after_each=faults.restore)
                sink_dir = os.path.join(args.artifacts, "sink")
                os.makedirs(sink_dir, exist_ok=True)
                for message in tb.sink.messages:
                    target = os.path.join(sink_dir, os.path.basename(message["file"]))
                    with open(target, "wb") as handle:
                        handle.write(sent_raw(message))
            finally:
                faults.kill_leftovers()
    except Exception as error:  # noqa: BLE001 - Thunderbird itself failed
        setup_failed(selected, results, error)
    finally:
        if faults:
            faults.kill_leftovers()
    write_results(args.artifacts, results)
    print_summary(results, f"== Summary ({time.monotonic() - began:.0f} s; artefacts in {args.artifacts}) ==")
    return exit_code(results)


if __name__ == "__main__":
    # SIGTERM (ctest timeout, kill) unwinds like Ctrl-C, so Thunderbird, Xvfb and the sink stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
