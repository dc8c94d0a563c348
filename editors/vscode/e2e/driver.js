#!/usr/bin/env node
// Drives a real VS Code (code-server's web workbench in Debian's Chromium, through
// playwright-core) the way a person would: open a metric-hub experiment config, look at
// the squiggle and the Problems panel, hover, go to definition, complete, fix a typo.
// Reads a plan (JSON, written by tests/editors/test_real_vscode.py), writes what it saw to
// plan.results (JSON) and a screenshot per step into plan.artifacts.
//
// Usage: node e2e/driver.js plan.json
"use strict";

const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const results = { steps: {}, errors: {}, screenshots: [], status_texts: [], timings_ms: {} };
const STEP_MS = plan.step_timeout_ms || 60000;
const started = Date.now();

function save() {
  results.timings_ms.total = Date.now() - started;
  fs.writeFileSync(plan.results, JSON.stringify(results, null, 1));
}

async function shot(page, name) {
  const file = path.join(plan.artifacts, `${String(results.screenshots.length + 1).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file }).catch(() => undefined);
  results.screenshots.push(file);
}

/** Run one step; a failure is recorded (with a screenshot) and the later steps still run. */
async function step(page, name, fn) {
  const t0 = Date.now();
  try {
    const value = await fn();
    results.steps[name] = value === undefined ? true : value;
    await shot(page, name);
  } catch (err) {
    results.steps[name] = false;
    results.errors[name] = String((err && err.stack) || err);
    await shot(page, `${name}-FAILED`);
  }
  results.timings_ms[name] = Date.now() - t0;
  save();
}

async function until(what, fn, ms = STEP_MS) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) {
        return last;
      }
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------------------- workbench helpers

const editorSel = ".part.editor .editor-group-container.active .monaco-editor";

async function activeTab(page) {
  return page.evaluate(() => {
    const tab = document.querySelector(".part.editor .editor-group-container.active .tab.active");
    return tab ? { label: tab.getAttribute("aria-label") || "", dirty: tab.classList.contains("dirty") } : null;
  });
}

/** The cursor position shown in the status bar ("Ln 6, Col 14") as 1-based numbers. */
async function cursor(page) {
  const text = await page.evaluate(() => {
    const item = document.getElementById("status.editor.selection");
    return item ? item.textContent : "";
  });
  const m = /Ln (\d+), Col (\d+)/.exec(text || "");
  return m ? { line: Number(m[1]), column: Number(m[2]) } : null;
}

async function runCommand(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: STEP_MS });
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ state: "visible", timeout: STEP_MS });
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: STEP_MS });
}

async function openFile(page, relPath) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: STEP_MS });
  await input.fill(relPath);
  const base = path.basename(relPath);
  // Wait for the search result (the list first shows the recently opened files) and pick it.
  await until(`${relPath} as the first result`, async () => {
    const label = await page
      .locator(".quick-input-widget .monaco-list-row.focused")
      .first()
      .getAttribute("aria-label", { timeout: 1000 });
    return label && label.includes(base);
  });
  await page.keyboard.press("Enter");
  await until(`the editor of ${relPath}`, async () => ((await activeTab(page)) || {}).label.includes(base));
  await page.locator(editorSel).first().waitFor({ state: "visible", timeout: STEP_MS });
}

/** Put the cursor at a 1-based line/column with "Go to Line/Column" (Ctrl+G). */
async function goTo(page, line, column) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: STEP_MS });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
  await until(`cursor at ${line}:${column}`, async () => {
    const c = await cursor(page);
    return c && c.line === line && c.column === column;
  });
}

/** Rectangles of the error squiggles and of the view line showing `text`, in the active editor. */
async function squigglesOnLineWith(page, text) {
  return page.evaluate(
    ({ sel, text }) => {
      const editor = document.querySelector(sel);
      if (!editor) {
        return { squiggles: 0, onLine: 0 };
      }
      const line = [...editor.querySelectorAll(".view-line")].find((l) => l.textContent.includes(text));
      const squiggles = [...editor.querySelectorAll(".squiggly-error")];
      if (!line) {
        return { squiggles: squiggles.length, onLine: 0, lineFound: false };
      }
      const lr = line.getBoundingClientRect();
      const onLine = squiggles.filter((s) => {
        const r = s.getBoundingClientRect();
        return r.top < lr.bottom && r.bottom > lr.top;
      }).length;
      return { squiggles: squiggles.length, onLine, lineFound: true };
    },
    { sel: editorSel, text },
  );
}

async function problemRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll(".markers-panel .monaco-list-row")].map((r) => r.innerText.replace(/\s+/g, " ").trim()),
  );
}

async function statusText(page) {
  return page.evaluate(() => {
    const items = [...document.querySelectorAll(".part.statusbar .statusbar-item")];
    const item = items.find((i) => /\bjetls\b/.test(i.getAttribute("aria-label") || i.textContent || ""));
    if (!item) {
      return null;
    }
    const icon = item.querySelector(".codicon");
    const iconName = icon ? [...icon.classList].find((c) => c.startsWith("codicon-") && c !== "codicon-modifier-spin") : "";
    return `${iconName || ""} ${(item.textContent || "").trim()}`.trim();
  });
}

// ---------------------------------------------------------------------------- the scenario

async function main() {
  fs.mkdirSync(plan.artifacts, { recursive: true });
  const browser = await chromium.launch({
    executablePath: plan.chromium,
    // Root in a container: no sandbox; no GPU.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  // Record every state of the jetls status bar item while the test runs.
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const text = await statusText(page).catch(() => null);
      if (text && results.status_texts[results.status_texts.length - 1] !== text) {
        results.status_texts.push(text);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  const f = plan.file;
  try {
    await step(page, "workbench", async () => {
      await page.goto(`${plan.url}/?folder=${encodeURIComponent(plan.root)}`);
      await page.locator(".monaco-workbench .part.statusbar").waitFor({ state: "visible", timeout: STEP_MS });
      await page.locator(".part.sidebar .explorer-folders-view").first().waitFor({ state: "visible", timeout: STEP_MS });
    });

    await step(page, "open", async () => {
      await openFile(page, plan.file_rel);
      return (await activeTab(page)).label;
    });

    await step(page, "squiggle", async () => {
      const t0 = Date.now();
      const seen = await until("an error squiggle on the misspelled metric", async () => {
        const s = await squigglesOnLineWith(page, f.bad_slug);
        return s.onLine > 0 ? s : null;
      });
      results.timings_ms.first_diagnostic_after_open = Date.now() - t0;
      return seen;
    });

    await step(page, "problems", async () => {
      await page.keyboard.press("Control+Shift+M");
      // The list is virtualised and also holds the rest of the corpus's problems:
      // filter it down to the misspelled metric.
      const filter = page.locator(".part.panel .viewpane-filter input").first();
      await filter.waitFor({ state: "visible", timeout: STEP_MS });
      await filter.fill(f.bad_slug);
      const rows = await until("the Problems row of the misspelled metric", async () => {
        const all = await problemRows(page);
        return all.some((r) => r.includes(f.bad_slug)) ? all : null;
      });
      return rows;
    });

    await step(page, "hover", async () => {
      await page.locator(editorSel).first().click({ position: { x: 5, y: 5 } });
      await goTo(page, f.hover.line, f.hover.column);
      await page.keyboard.press("Control+K");
      await page.keyboard.press("Control+I");
      const hover = page.locator(".monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents");
      await hover.first().waitFor({ state: "visible", timeout: STEP_MS });
      const text = await until("hover text", async () => (await hover.allInnerTexts()).join("\n").trim());
      await shot(page, "hover-shown");
      await page.keyboard.press("Escape");
      return text;
    });

    await step(page, "definition_local", async () => {
      await goTo(page, f.local_ref.line, f.local_ref.column);
      await page.keyboard.press("F12");
      const at = await until("the cursor on the local metric table", async () => {
        const c = await cursor(page);
        return c && c.line === f.local_def_line ? c : null;
      });
      return { tab: (await activeTab(page)).label, ...at };
    });

    await step(page, "definition_definitions", async () => {
      await goTo(page, f.definition.line, f.definition.column);
      await page.keyboard.press("F12");
      const tab = await until("definitions/ opened", async () => {
        const t = await activeTab(page);
        return t && t.label.includes(path.basename(plan.definition_file)) ? t : null;
      });
      const at = await until("the cursor on the metric table", async () => {
        const c = await cursor(page);
        return c && c.line === plan.definition_line ? c : null;
      });
      return { tab: tab.label, ...at };
    });

    await step(page, "completion", async () => {
      await openFile(page, plan.file_rel);
      await goTo(page, f.completion.line, f.completion.column);
      await page.keyboard.press("Control+Space");
      const rows = page.locator(".suggest-widget.visible .monaco-list-row");
      const labels = await until(`${f.good_slug} among the suggestions`, async () => {
        const all = await rows.allInnerTexts();
        return all.some((t) => t.split(/\s/).includes(f.good_slug)) ? all.map((t) => t.replace(/\s+/g, " ").trim()) : null;
      });
      await shot(page, "completion-shown");
      await page.keyboard.press("Escape");
      return labels;
    });

    await step(page, "fix_typo", async () => {
      await goTo(page, f.typo_end.line, f.typo_end.column);
      await page.keyboard.press("Shift+ArrowLeft");
      await page.keyboard.type(f.fix_char);
      const t0 = Date.now();
      await until("the squiggle gone", async () => {
        const s = await squigglesOnLineWith(page, f.good_slug);
        return s.lineFound && s.onLine === 0;
      });
      const rows = await until("the Problems row gone", async () => {
        const all = await problemRows(page);
        return all.some((r) => r.includes(f.bad_slug)) ? null : all;
      });
      results.timings_ms.diagnostic_cleared_after_edit = Date.now() - t0;
      await page.keyboard.press("Escape"); // the suggestions that typing opened
      await page.locator(".part.panel .viewpane-filter input:visible").first().fill("");
      return { problems: rows, tab: await activeTab(page) };
    });

    await step(page, "ready", async () => {
      return until("the status bar item showing ready", async () => {
        const t = await statusText(page);
        return t && t.startsWith("codicon-check") ? t : null;
      });
    });

    await step(page, "output", async () => {
      await runCommand(page, "jetls: Show Output");
      // The output view's filter box must be empty: VS Code may carry the Problems filter
      // over, and restores it a moment after the view shows, so clear it while waiting.
      const filter = page.locator(".part.panel .viewpane-filter input:visible").first();
      const view = page.locator(".part.panel .output-view .view-lines, .part.panel .monaco-editor .view-lines").first();
      await view.waitFor({ state: "attached", timeout: STEP_MS });
      return until("the server command line in the output", async () => {
        if ((await filter.count()) > 0 && (await filter.inputValue()) !== "") {
          await filter.fill("");
        }
        const text = (await view.innerText()).replace(/\u00a0/g, " ");
        return text.includes("Starting server") ? text : null;
      });
    });
  } finally {
    polling = false;
    await poll;
    save();
    await browser.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    results.errors.driver = String((err && err.stack) || err);
    save();
    process.exit(1);
  },
);
