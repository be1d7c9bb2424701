"""The scenario loop every end-to-end runner shares: run the selected scenarios in one
Thunderbird, keep going after a failure (with a screenshot of what the user saw), put the
window back as it was between scenarios, and report each result the same way."""
import json
import os
import time
import traceback

from . import actions


def title_of(function):
    """A scenario's title is the first line of its docstring."""
    return function.__doc__.strip().splitlines()[0]


def select(scenarios, only, always=()):
    """The (name, function) pairs picked by --only (all of them without it), plus `always`."""
    return [(n, f) for n, f in scenarios if not only or n in only or n in always]


def reset(tb):
    """Close popups and compose windows a scenario may have left behind."""
    try:
        tb.js("""
const [resolve] = arguments;
for (const w of [...Services.wm.getEnumerator("mail:extensionPopup")]) w.close();
for (const w of [...Services.wm.getEnumerator("msgcompose")]) {
  try { w.gContentChanged = false; w.gMsgCompose.bodyModified = false; } catch (e) {}
  w.close();
}
setTimeout(() => resolve(true), 300);
""")
    except Exception:  # noqa: BLE001 - a window that is already gone needs no closing
        pass


def run_scenarios(tb, ctx, selected, artifacts, results, after_each=None):
    """Runs each scenario with `ctx`; a failure is recorded (traceback, failure-NAME.png) and the
    next scenario still runs. `after_each` undoes what a scenario may have changed (a fault host,
    the sink's refusals, a policy) before the windows are reset."""
    for name, function in selected:
        began = time.monotonic()
        try:
            function(ctx)
            status, detail = "PASS", ""
        except Exception as error:  # noqa: BLE001 - report every scenario
            status, detail = "FAIL", f"{type(error).__name__}: {error}"
            traceback.print_exc()
            try:
                actions.screenshot_popup(tb, os.path.join(artifacts, f"failure-{name}.png"))
            except Exception:  # noqa: BLE001 - the screenshot is a help, not the verdict
                pass
        finally:
            if after_each:
                after_each()
            reset(tb)
        results.append((name, title_of(function), status, detail))
        print(f"[{status}] {name}: {title_of(function)} ({time.monotonic() - began:.1f} s) {detail}", flush=True)


def setup_failed(selected, results, error):
    """Thunderbird itself failed: every scenario that did not run counts as failed."""
    traceback.print_exc()
    for name, function in selected:
        if name not in {r[0] for r in results}:
            results.append((name, title_of(function), "FAIL", f"setup: {error}"))


def write_results(artifacts, results):
    with open(os.path.join(artifacts, "results.json"), "w", encoding="utf-8") as handle:
        json.dump([dict(zip(("scenario", "title", "status", "detail"), r)) for r in results], handle, indent=1)


def print_summary(results, heading="== Summary =="):
    print(f"\n{heading}")
    width = max((len(r[0]) for r in results), default=0)
    for name, title, status, detail in results:
        print(f"  {status}  {name:{width}} {title}" + (f"  -- {detail}" if detail else ""))


def exit_code(results):
    """Non-zero when a scenario failed or none ran."""
    return 1 if not results or any(r[2] != "PASS" for r in results) else 0
