// Weight and accessibility of every family page but the call itself, on a phone (360×640,
// id-ID): each page is loaded fresh in a new tab with the HTTP cache disabled, and what crossed
// the network for that first load (HTML, CSS, JS, images, fonts, favicon; headers and compressed
// bodies) is summed from the DevTools protocol's Network.loadingFinished events. Budget: 60 KB
// (61 440 bytes) per page. Each page must also have no serious or critical axe-core violation,
// and the widest pages (booking and moving: a grid of slot buttons; the visit page: the QR code)
// must reflow at 200 % zoom (a 180×320 CSS-pixel viewport) without anything sticking out
// sideways (the other pages' overflow at 200 % is measured and printed, not asserted).
//
// The family signs in once through the real login flow (the code comes from the fake WhatsApp
// API) and walks the pages in the order they become reachable. A table of the figures is
// printed at the end (and on failure).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axeCheck, firstPage, formatViolations, launch } from './lib/browser.js';
import {
  approvePendingLinks,
  bookFirstSlot,
  completeVisit,
  e164,
  mainText,
  pathOf,
  requestLink,
  requestLoginCode,
  staffToken,
  startWithWhatsApp,
  submitLoginCode,
  submitRegistration,
} from './lib/family.js';
import { formatTable, horizontalOverflow, loadAndWeigh } from './lib/weight.js';

const BUDGET = 61_440;
const ZOOM_200 = { width: 180, height: 320 };
const PHONE = '0812 7777 5678';
const NAME = 'Agus Setiawan';
const NIK = '3171011203880007';
/** A Fluent message id or fluent-templates' stand-in for a missing one, shown as text. */
const UNTRANSLATED = /Unknown localization|\b(?:fv|start|login|code|register|link|family|refusal|invalid)-[a-z0-9_]+(?:-[a-z0-9_]+)*\b/;

describe('family pages: ≤ 60 KB each, no serious axe violations (360×640, id-ID)', { timeout: 600_000 }, () => {
  let server;
  let fake;
  let context;
  let page; // the tab the family walks in
  const rows = [];
  const reflow = [];
  let visitPath;
  let visitCode;
  let linkId;

  before(async () => {
    ({ server, fake } = await startWithWhatsApp());
    context = await launch({ viewport: { width: 360, height: 640 }, locale: 'id-ID' });
    page = await firstPage(context);
  }, { timeout: 180_000 });

  after(async () => {
    if (rows.length) {
      const db = process.env.JENGUK_TEST_POSTGRES ? 'PostgreSQL' : 'SQLite';
      const table = formatTable(
        ['page', 'path', 'requests', 'transferred B', 'decoded B', 'axe serious+critical', '200 % overflow'],
        rows.map((r) => [r.name, r.path, r.requests, r.bytes, r.decoded, r.axe, reflow.find((z) => z.name === r.name)?.summary ?? '-']),
      );
      const extra = rows
        .filter((r) => r.others.length)
        .map((r) => `  ${r.name}: also ${r.others.join(', ')}`);
      const zoomed = reflow
        .filter((z) => z.detail.overflowing.length)
        .map(
          (z) =>
            `  ${z.name} at 200 % (${z.detail.viewport} px wide): ` +
            z.detail.overflowing.map((e) => `${e.element} ${e.left}..${e.right}`).join('; '),
        );
      process.stdout.write(
        `\nFamily page weight (budget ${BUDGET} B per page), ${db}:\n${table}\n` +
          (extra.length ? `Requests besides the page:\n${extra.join('\n')}\n` : '') +
          (zoomed.length ? `Overflow at 200 % zoom (asserted on book, move and visit only):\n${zoomed.join('\n')}\n` : '') +
          '\n',
      );
    }
    await context?.close();
    await server?.kill();
    await fake?.close();
  });

  /**
   * Weigh and check one page: status 200 (or `status`), not redirected elsewhere, ≤ budget,
   * no serious or critical axe violation; also its overflow at 200 % zoom (asserted only when
   * `reflowAsserted`).
   */
  async function check(name, path, { status = 200, reflowAsserted = false } = {}) {
    const url = `${server.url}${path}`;
    const m = await loadAndWeigh(context, url);
    let axeViolations;
    try {
      assert.equal(m.status, status, `${name} (${path}) answered ${m.status}`);
      assert.equal(new URL(m.finalUrl).pathname + new URL(m.finalUrl).search, path, `${name}: ${path} was redirected to ${m.finalUrl}`);
      const text = await m.page.evaluate(() => document.body.innerText);
      const raw = UNTRANSLATED.exec(text);
      assert.equal(raw, null, `${name} (${path}) shows an untranslated message: ${raw?.[0]}`);
      assert.equal(await m.page.evaluate(() => document.documentElement.lang), 'id');
      axeViolations = await axeCheck(m.page);
    } finally {
      rows.push({
        name,
        path,
        requests: m.requests.length,
        bytes: m.bytes,
        decoded: m.decodedBytes,
        axe: axeViolations ? axeViolations.length : '?',
        others: m.requests.slice(1).map((r) => `${new URL(r.url).pathname} ${r.status ?? r.failed ?? '-'} ${r.bytes} B`),
      });
    }
    // The zoom check in a tab of its own: 200 % of a 360 px phone.
    const z = await loadAndWeigh(context, url, { viewport: ZOOM_200 });
    const o = await horizontalOverflow(z.page);
    await z.page.close();
    reflow.push({
      name,
      summary: o.overflowing.length ? `${o.overflowing.length} el. (to ${Math.max(...o.overflowing.map((e) => e.right))} px)` : 'none',
      detail: o,
    });
    const detail = m.requests.map((r) => `  ${r.status ?? '-'} ${r.type} ${r.bytes} B ${r.url}${r.failed ? ` (${r.failed})` : ''}`).join('\n');
    assert.ok(m.bytes > 0, `${name}: nothing was measured\n${detail}`);
    assert.ok(m.bytes <= BUDGET, `${name} (${path}) weighs ${m.bytes} B > ${BUDGET} B:\n${detail}`);
    assert.equal(axeViolations.length, 0, `${name} (${path}): axe-core found\n${formatViolations(axeViolations)}`);
    if (reflowAsserted) {
      assert.ok(
        o.scrollWidth <= o.viewport + 2 && o.overflowing.length === 0,
        `${name} (${path}) at 200 % zoom (${o.viewport} px wide, scroll width ${o.scrollWidth}): ` +
          `${o.overflowing.length} element(s) stick out:\n` +
          o.overflowing
            .slice(0, 20)
            .map((e) => `  ${e.element} ${e.left}..${e.right} "${e.text}"`)
            .join('\n'),
      );
    }
    await m.page.close();
  }

  it('start page', async () => {
    await check('start', '/');
  });

  it('start page, searching a facility', async () => {
    await check('start (search)', '/?q=Serang');
  });

  it('login page', async () => {
    await check('login', '/masuk');
  });

  it('code page', async () => {
    const code = await requestLoginCode(page, { server, fake, phone: PHONE });
    await check('code', `/masuk/kode?phone=${encodeURIComponent(e164(PHONE))}`);
    await submitLoginCode(page, code);
    assert.equal(pathOf(page), '/daftar', `signing in led to ${page.url()}`);
  });

  it('register page', async () => {
    await check('register', '/daftar');
    await submitRegistration(page, { name: NAME, nik: NIK });
    assert.equal(pathOf(page), '/tautan', `registering led to ${page.url()}\n${await mainText(page)}`);
  });

  it('link page, and its search results', async () => {
    await check('link', '/tautan');
    await check('link (results)', '/tautan?facility=RUTAN-SERANG&q=Dedi');
    await requestLink(page, { server, query: 'Dedi', inmate: 'Dedi Kurniawan', relationship: 'Anak' });
    await check('link (sent)', '/tautan?sent=1');
    const token = await staffToken(server);
    const [link] = await approvePendingLinks(server, token, { phone: PHONE });
    linkId = link.id;
  });

  it('booking page (also at 200 % zoom)', async () => {
    await check('book', `/pesan/${linkId}`, { reflowAsserted: true });
    const booked = await bookFirstSlot(page, { server });
    visitPath = booked.path;
    visitCode = booked.code;
  });

  it('my visits', async () => {
    await check('my visits', '/kunjungan');
  });

  it('visit page (code, QR, links; also at 200 % zoom)', async () => {
    await check('visit', visitPath, { reflowAsserted: true });
  });

  it('move page (also at 200 % zoom)', async () => {
    await check('move', `${visitPath}/ubah`, { reflowAsserted: true });
  });

  it('cancel page', async () => {
    await check('cancel', `${visitPath}/batal`);
  });

  it('join page (countdown)', async () => {
    await check('join', `/join/${visitCode.replace('-', '')}`);
  });

  it('rate page', async () => {
    const token = await staffToken(server);
    await completeVisit(server, token, visitCode);
    await check('rate', `${visitPath}/nilai`);
  });

  it('my data page', async () => {
    await check('my data', '/data-saya');
  });

  it('error page (a visit that is not the family\'s)', async () => {
    await check('error (404)', '/kunjungan/ZZZZZZZZ', { status: 404 });
  });
});
