// The console's live-call grid (/staff/monitor) and booth kiosks page (/staff/kiosks) in
// Debian's Chromium: axe finds no serious or critical violation on either; the grid shows
// each live call with its ticking time left, marks a legal visit, adds a call that starts
// while it is open, lets four calls be watched at once and no fifth; a kiosk is paired from
// the kiosks page, shows online, and falls back to a new pairing code when revoked; an
// officer watches a call from the grid and ends it with a reason, and the family's call page
// shows the call ended.
//
// At most three Chromium instances at once (two cores).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axeCheck, firstPage, formatViolations, launch } from './lib/browser.js';
import { sql } from './lib/db.js';
import { makeVisit as insertVisit } from './lib/visits.js';
import { startServer } from './lib/server.js';
import { staffLogin as login } from './lib/staff.js';

const OFFICER = { username: 'officer.serang', password: 'demo-officer-2026' };
const ADMIN = { username: 'admin.serang', password: 'demo-serang-2026' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function noSeriousViolations(page, label) {
  const v = await axeCheck(page);
  assert.equal(v.length, 0, `${label}:\n${formatViolations(v)}`);
}

/** Password and, for an administrator, TOTP (enrolment on the first login). */
async function staffLogin(page, url, who) {
  await login(page, url, who.username, who.password);
}

/** A visit in call by default: the grid shows calls. */
const makeVisit = (server, v) => insertVisit(server, { status: 'in_call', ...v });

describe('staff live-call grid and kiosks page', { timeout: 600_000 }, () => {
  let server;
  const contexts = [];

  before(async () => {
    server = await startServer();
  }, { timeout: 180_000 });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await server?.stop();
  });

  async function browser(options = {}) {
    const c = await launch({ locale: 'id-ID', viewport: { width: 1280, height: 800 }, ...options });
    contexts.push(c);
    return c;
  }
  async function closeAll() {
    while (contexts.length) await contexts.pop().close().catch(() => {});
  }

  it('the grid lists live calls, marks a legal one, ticks, picks up a new call, and passes axe', async () => {
    const family = await makeVisit(server, { startIn: -60, len: 900, booth: 2 });
    const legal = await makeVisit(server, { startIn: -60, len: 900, booth: 3, kind: 'legal' });
    const page = await firstPage(await browser());
    await staffLogin(page, server.url, OFFICER);
    await page.goto(`${server.url}/staff/monitor`);
    await page.waitForSelector(`#call-${family.id} .watch:not([hidden])`);
    assert.equal(await page.isVisible(`#call-${legal.id} .legal-note`), true);
    assert.match(await page.textContent(`#call-${legal.id} .legal-note`), /kunjungan hukum/);
    assert.equal(await page.isVisible(`#call-${family.id} .legal-note`), false);
    assert.equal(await page.$(`#call-${legal.id} .sound`), null, 'no sound button in a legal visit');
    assert.match(await page.textContent('#bandwidth'), /4 panggilan/);
    const first = await page.textContent(`#call-${family.id} .left`);
    assert.match(first, /^1[0-4]:\d\d$/);
    await sleep(1500);
    assert.notEqual(await page.textContent(`#call-${family.id} .left`), first, 'the time left ticks');
    await noSeriousViolations(page, '/staff/monitor');

    // A call that starts while the grid is open appears within a few seconds, and one that
    // ends disappears.
    const later = await makeVisit(server, { startIn: -10, len: 600, booth: 4 });
    await page.waitForSelector(`#call-${later.id} .watch:not([hidden])`, { timeout: 15_000 });
    assert.match(await page.getAttribute(`#call-${later.id} .end-form`, 'action'), new RegExp(`/staff/monitor/${later.id}/end$`));
    await sql(server.databaseUrl, `UPDATE visits SET status = 'completed' WHERE id = ${later.id}`);
    await page.waitForSelector(`#call-${later.id}`, { state: 'detached', timeout: 15_000 });
    await noSeriousViolations(page, '/staff/monitor after an update');

    // At most four watched at once: the fifth is refused with a message and nothing is sent.
    const more = [];
    for (const booth of [1, 4, 1]) more.push(await makeVisit(server, { startIn: -10, len: 600, booth }));
    const five = [family, legal, ...more];
    for (const v of more) await page.waitForSelector(`#call-${v.id} .watch:not([hidden])`, { timeout: 15_000 });
    for (const v of five) await page.click(`#call-${v.id} .watch`);
    const pressed = await page.$$eval('.tile .watch[aria-pressed="true"]', (b) => b.length);
    assert.equal(pressed, 4);
    const last = `#call-${five[4].id}`;
    assert.equal(await page.getAttribute(`${last} .watch`, 'aria-pressed'), 'false');
    assert.match(await page.textContent(`${last} .watch-status`), /sudah memantau 4/);
    await sleep(1000);
    const [[offers]] = await sql(server.databaseUrl, `SELECT COUNT(*) FROM audit_events WHERE action = 'visit.monitor' AND target_id = '${five[4].id}'`);
    assert.equal(Number(offers), 0, 'the fifth call was not joined');
    for (const v of five.slice(0, 4)) await page.click(`#call-${v.id} .watch`);
    assert.equal(await page.$$eval('.tile .watch[aria-pressed="true"]', (b) => b.length), 0);
    for (const v of [family, legal, ...more]) await sql(server.databaseUrl, `UPDATE visits SET status = 'completed' WHERE id = ${v.id}`);
    await closeAll();
  });

  it('a kiosk is paired from the kiosks page, shows online, and falls back to pairing when revoked', async () => {
    const kiosk = await firstPage(await browser());
    await kiosk.goto(`${server.url}/kiosk`);
    const code = (await kiosk.textContent('#pairing-code')).trim();
    assert.match(code, /^[0-9A-Z]{6}$/);

    const admin = await firstPage(await browser());
    await staffLogin(admin, server.url, ADMIN);
    await admin.goto(`${server.url}/staff/kiosks`);
    await noSeriousViolations(admin, '/staff/kiosks (no kiosk)');
    await admin.fill('#code', code.toLowerCase());
    await admin.selectOption('#booth', { label: 'Bilik 1' });
    await Promise.all([admin.waitForURL(/\/staff\/kiosks\?paired=1/), admin.click('form[action="/staff/kiosks/pair"] button[type=submit]')]);
    const [[kioskId]] = await sql(server.databaseUrl, `SELECT id FROM kiosk_devices WHERE paired_at IS NOT NULL AND revoked_at IS NULL ORDER BY id DESC LIMIT 1`);

    // The kiosk notices within its poll and reports: the page shows it online.
    await kiosk.waitForSelector('#pairing', { state: 'hidden', timeout: 20_000 });
    await admin.reload();
    assert.equal(await admin.getAttribute(`#kiosk-${kioskId} .kiosk-status`, 'data-online'), 'true');
    assert.match(await admin.textContent(`#kiosk-${kioskId}`), /Daring/);
    await noSeriousViolations(admin, '/staff/kiosks (a kiosk online)');

    // Revoked: the row goes, and the kiosk shows a new pairing code.
    await Promise.all([admin.waitForURL(/revoked=1/), admin.click(`#kiosk-${kioskId} button[type=submit]`)]);
    assert.equal(await admin.$(`#kiosk-${kioskId}`), null);
    assert.match(await admin.textContent('main'), /Kios telah dicabut/);
    await noSeriousViolations(admin, '/staff/kiosks (after a revoke)');
    await kiosk.waitForFunction(
      (old) => {
        const el = document.getElementById('pairing-code');
        return el && el.offsetParent !== null && /^[0-9A-Z]{6}$/.test(el.textContent.trim()) && el.textContent.trim() !== old;
      },
      code,
      { timeout: 40_000 },
    );
    await closeAll();
  });

  it('the officer watches a call from the grid and ends it; the family page shows the call ended', async () => {
    const visit = await makeVisit(server, { startIn: -30, len: 900, booth: 2 });
    const familyCtx = await browser({ viewport: { width: 360, height: 640 } });
    const family = await firstPage(familyCtx);
    await family.goto(`${server.url}/join/${visit.code}`);
    await family.click('#start');

    const officer = await firstPage(await browser());
    await staffLogin(officer, server.url, OFFICER);
    await officer.goto(`${server.url}/staff/monitor`);
    const tile = `#call-${visit.id}`;
    await officer.waitForSelector(`${tile} .watch:not([hidden])`);
    await officer.click(`${tile} .watch`);
    assert.equal(await officer.getAttribute(`${tile} .watch`, 'aria-pressed'), 'true');
    // The family's picture arrives in the tile.
    await officer.waitForFunction(
      (sel) => {
        const v = document.querySelector(`${sel} .family-video`);
        return v && v.videoWidth > 0 && v.currentTime > 0;
      },
      tile,
      { timeout: 60_000 },
    );
    await officer.waitForFunction((sel) => /Memantau/.test(document.querySelector(`${sel} .watch-status`).textContent), tile);
    const [[watched]] = await sql(server.databaseUrl, `SELECT COUNT(*) FROM audit_events WHERE action = 'visit.monitor' AND target_id = '${visit.id}'`);
    assert.equal(Number(watched), 1, 'the watch is audited');
    await noSeriousViolations(officer, '/staff/monitor while watching');

    // Ending needs a reason: the browser asks for it before anything is sent.
    await officer.click(`${tile} summary`);
    await officer.click(`${tile} .end-form button[type=submit]`);
    assert.equal(await officer.evaluate((sel) => document.querySelector(`${sel} input[name=reason]`).validity.valueMissing, tile), true);
    await officer.fill(`${tile} input[name=reason]`, 'Menunjukkan benda terlarang');
    await Promise.all([officer.waitForURL(/ended=/), officer.click(`${tile} .end-form button[type=submit]`)]);
    assert.match(await officer.textContent('#end-notice'), /telah diakhiri/);
    assert.equal(await officer.$(tile), null, 'the ended call is off the grid');

    await family.waitForSelector('#call[data-state="ended"]', { timeout: 15_000 });
    const pcGone = await family.evaluate(() => !window.jengukCall.pc);
    assert.ok(pcGone, 'the family page closed its connection');
    const [[status, reason]] = await sql(server.databaseUrl, `SELECT status, status_reason FROM visits WHERE id = ${visit.id}`);
    assert.equal(status, 'terminated');
    assert.equal(reason, 'Menunjukkan benda terlarang');
    await closeAll();
  });
});
