// Launching Debian's Chromium through playwright-core, and an accessibility check with axe-core.
//
// Never a downloaded browser: the executable is /usr/bin/chromium (override with env CHROMIUM_BIN).
// Each launch gets a fresh profile directory (playwright refuses --user-data-dir in `args`, so
// this uses launchPersistentContext), removed again when the context closes.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

export const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/** Flags from docs/architecture.md ("Testing shape" and "Pitfalls"). */
export const CHROMIUM_ARGS = Object.freeze([
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
]);

/**
 * Launch headless Chromium with a fresh profile.
 *
 * @param {object} [options] extra launchPersistentContext options (e.g. `viewport`, `locale`);
 *   `args` are appended to CHROMIUM_ARGS.
 * @returns {Promise<import('playwright-core').BrowserContext>} a context; `close()` also removes
 *   the profile directory.
 */
export async function launch({ args = [], ...options } = {}) {
  const profileDir = await mkdtemp(join(tmpdir(), 'jenguk-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_BIN,
      headless: true,
      args: [...CHROMIUM_ARGS, ...args],
      ...options,
    });
  } catch (err) {
    await rm(profileDir, { recursive: true, force: true });
    throw err;
  }
  const close = context.close.bind(context);
  let closing;
  context.close = (...a) => {
    closing ??= close(...a).finally(() => rm(profileDir, { recursive: true, force: true }));
    return closing;
  };
  return context;
}

/** The first page of a persistent context (it opens with one), or a new one. */
export async function firstPage(context) {
  return context.pages()[0] ?? (await context.newPage());
}

let axeSource;

/**
 * Run axe-core on the page as it is now.
 *
 * The script is evaluated through the DevTools protocol rather than added as a <script> tag, so
 * the page's own Content-Security-Policy does not block it (and need not be bypassed).
 *
 * @param {import('playwright-core').Page} page
 * @param {object} [options] axe.run options (default: all rules, violations only)
 * @returns {Promise<Array<{id: string, impact: string, help: string, helpUrl: string,
 *   nodes: Array<{target: unknown, html: string, failureSummary: string}>}>>}
 *   the violations whose impact is "serious" or "critical".
 */
export async function axeCheck(page, options = {}) {
  if (axeSource === undefined) {
    const require = createRequire(import.meta.url);
    axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  }
  const hasAxe = await page.evaluate(() => typeof window.axe?.run === 'function');
  if (!hasAxe) {
    // A function that evaluates the library in the page's global scope.
    await page.evaluate(`(() => { ${axeSource}\n; if (!window.axe && typeof axe !== 'undefined') window.axe = axe; })()`);
  }
  const violations = await page.evaluate(async (opts) => {
    const result = await window.axe.run(document, { resultTypes: ['violations'], ...opts });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target,
        html: n.html,
        failureSummary: n.failureSummary,
      })),
    }));
  }, options);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A readable multi-line description of axeCheck's result, for assertion messages. */
export function formatViolations(violations) {
  return violations
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
        v.nodes
          .map((n) => `    ${JSON.stringify(n.target)} ${n.html}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
          .join('\n'),
    )
    .join('\n');
}
