// The schedule console as a facility administrator: create a weekly session, preview its
// slots before saving, see them after, and the impact preview of excluding a date that has
// bookings (nothing is cancelled here). axe-core on every schedule page.
//
// Logs in with the password and the TOTP code (an administrator enrols on first login) through
// tests/browser/lib/staff.js.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axeCheck, firstPage, formatViolations, launch } from './lib/browser.js';
import { api, staffToken } from './lib/family.js';
import { startServer } from './lib/server.js';
import { staffLogin } from './lib/staff.js';

async function noViolations(page, where) {
  const violations = await axeCheck(page);
  assert.equal(violations.length, 0, `${where}: axe-core found:\n${formatViolations(violations)}`);
}

async function text(page) {
  return page.evaluate(() => document.body.innerText);
}

describe('staff schedule (admin.serang)', { timeout: 300_000 }, () => {
  let server;
  let context;
  let page;

  before(async () => {
    server = await startServer({ demo: true });
    context = await launch({ viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
    page = await firstPage(context);
  }, { timeout: 180_000 });

  after(async () => {
    await context?.close();
    await server?.kill();
  });

  it('logs in with TOTP and opens the schedule', async () => {
    await staffLogin(page, server.url, 'admin.serang', 'demo-serang-2026');
    await page.goto(`${server.url}/staff/schedule`);
    const t = await text(page);
    assert.ok(t.includes('Bilik 1') && t.includes('Sesi mingguan'), t);
    await noViolations(page, '/staff/schedule');
  });

  it('creates a template and sees its slots', async () => {
    await Promise.all([page.waitForURL(/templates\/new$/), page.click('a[href="/staff/schedule/templates/new"]')]);
    await noViolations(page, '/staff/schedule/templates/new');
    await page.selectOption('#weekday', '7');
    await page.fill('#start', '08:00');
    await page.fill('#end', '10:00');
    await page.fill('#slot_minutes', '30');
    await page.fill('#capacity', '2');
    await page.selectOption('#kind', 'family');
    await Promise.all([page.waitForLoadState('load'), page.click('button[value=preview]')]);
    let t = await text(page);
    assert.ok(t.includes('Pratinjau') && t.includes('08:00, 08:30, 09:00, 09:30'), t);
    assert.ok(t.includes('Minggu'), t);
    await noViolations(page, 'template preview');

    await Promise.all([page.waitForURL(/templates\/\d+\?done=template-saved$/), page.click('button[value=save]')]);
    t = await text(page);
    assert.ok(t.includes('Sesi mingguan disimpan'), t);
    assert.ok(t.includes('08:00, 08:30, 09:00, 09:30'), t);
    const rows = await page.locator('tr.slot-day').count();
    assert.ok(rows >= 2, `expected at least two Sundays of slots, got ${rows}`);
    await noViolations(page, 'saved template');

    // The new slots are offered (staff API, as the family portal offers them).
    const token = await staffToken(server);
    const { status, body } = await api(server, token, 'GET', '/facilities/RUTAN-SERANG/slots');
    assert.equal(status, 200);
    assert.ok(
      body.some((s) => s.kind === 'family' && /T08:30:00\+07:00$/.test(s.start) && new Date(s.start).getUTCDay() === 0),
      JSON.stringify(body),
    );
  });

  it('refuses an overlapping template with a clear message', async () => {
    await page.goto(`${server.url}/staff/schedule/templates/new`);
    await page.selectOption('#weekday', '7');
    await page.fill('#start', '09:00');
    await page.fill('#end', '11:00');
    await page.fill('#slot_minutes', '30');
    await page.fill('#capacity', '1');
    await Promise.all([page.waitForLoadState('load'), page.click('button[value=save]')]);
    const t = await text(page);
    assert.ok(t.includes('bertumpang tindih dengan sesi mingguan Minggu 08:00–10:00'), t);
    await noViolations(page, 'refused template');
  });

  it('shows the bookings an excluded date would cancel, and cancels none until confirmed', async () => {
    const token = await staffToken(server);
    const { body: slots } = await api(server, token, 'GET', '/facilities/RUTAN-SERANG/slots');
    const busy = slots.find((s) => s.booked > 0);
    assert.ok(busy, `no booked slot in ${JSON.stringify(slots)}`);
    const date = busy.start.slice(0, 10);
    await page.goto(`${server.url}/staff/schedule`);
    await page.fill('#ex-date', date);
    await page.fill('#ex-reason', 'Libur daerah');
    await Promise.all([page.waitForLoadState('load'), page.click('text=Tambah tanggal tanpa kunjungan')]);
    const t = await text(page);
    assert.ok(t.includes('Kunjungan terdampak') && t.includes('Belum ada yang berubah'), t);
    await noViolations(page, 'impact preview');
    await Promise.all([page.waitForURL(/\/staff\/schedule$/), page.click('text=Biarkan seperti semula')]);
    const again = await api(server, token, 'GET', `/facilities/RUTAN-SERANG/slots?from=${date}&to=${date}`);
    assert.ok(again.body.some((s) => s.booked > 0), 'a booking was cancelled without confirmation');
  });

  it('shows the visiting policy form', async () => {
    await page.goto(`${server.url}/staff/schedule/policy`);
    await noViolations(page, '/staff/schedule/policy');
    await page.fill('#inmate_quota', '0');
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit].btn >> nth=-1')]);
    const t = await text(page);
    assert.ok(t.includes('kuota 0'), t);
    await noViolations(page, 'refused policy');
  });
});
