// The day board as operator.serang on a desk screen (1280×800, id-ID): run a visit through
// check-in (the code typed the way a QR scanner or a person types it, then Enter) → start →
// extend → outcome; the board refreshes itself with a change made by another request; axe-core
// finds no serious or critical violation on the board.
//
// Families book from tomorrow, so two of the demo's Serang visits are moved to "now" with SQL
// (lib/db.js), and their booths cleared so that the board assigns them.
//
// Runs on SQLite, and on PostgreSQL when JENGUK_TEST_POSTGRES is set.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axeCheck, firstPage, formatViolations, launch } from './lib/browser.js';
import { sql } from './lib/db.js';
import { startServer } from './lib/server.js';

const WIB = 7 * 3600;

async function clickAndWait(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return response;
}

const text = (page) => page.evaluate(() => document.querySelector('main').innerText);
const card = (page, id) => page.locator(`#v-${id}`);

describe('day board (operator.serang, 1280×800)', { timeout: 300_000 }, () => {
  let server;
  let context;
  let page;
  let visits; // [{ id, code }] moved to now

  before(async () => {
    server = await startServer({ demo: true });
    const rows = await sql(
      server.databaseUrl,
      "SELECT v.id, v.code FROM visits v JOIN facilities f ON f.id = v.facility_id WHERE f.code = 'RUTAN-SERANG' AND v.status = 'booked' ORDER BY v.id LIMIT 2",
    );
    assert.equal(rows.length, 2, 'the demo has two Serang bookings');
    visits = rows.map(([id, code]) => ({ id, code }));
    // Today in WIB, started a minute ago (never before local midnight).
    const now = Math.floor(Date.now() / 1000);
    const start = now - Math.min(60, (now + WIB) % 86400);
    await sql(
      server.databaseUrl,
      `UPDATE visits SET start_at = ${start}, end_at = ${start + 900}, booth_id = NULL WHERE id IN (${visits.map((v) => v.id).join(',')})`,
    );
    context = await launch({ viewport: { width: 1280, height: 800 }, locale: 'id-ID' });
    page = await firstPage(context);
  }, { timeout: 180_000 });

  after(async () => {
    await context?.close();
    await server?.kill();
  });

  it('operator.serang logs in and sees both visits on the board, with booths', async () => {
    await page.goto(`${server.url}/staff/login`);
    await page.getByLabel('Nama pengguna').fill('operator.serang');
    await page.getByLabel('Kata sandi').fill('demo-operator-2026');
    await clickAndWait(page, page.locator('main form button[type=submit]'));
    const response = await page.goto(`${server.url}/staff/board`);
    assert.equal(response?.status(), 200);
    const t = await text(page);
    for (const v of visits) {
      const shown = `${v.code.slice(0, 4)}-${v.code.slice(4)}`;
      assert.ok(t.includes(shown), `${shown} not on the board:\n${t}`);
      const c = await card(page, v.id).innerText();
      assert.match(c, /Bilik [12]/, c);
      assert.match(c, /terjadwal/, c);
    }
    assert.equal(await page.locator('.tl-visit').count() >= 2, true, 'the timeline shows the visits');
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    const violations = await axeCheck(page);
    assert.equal(violations.length, 0, `axe-core found:\n${formatViolations(violations)}`);
  });

  it('runs a visit through check-in → start → extend → outcome', async () => {
    const [v] = visits;
    // As a person or a scanner types it: lower case, no dash, then Enter.
    const input = page.getByLabel('Kode kunjungan');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'code', 'the code field has focus');
    await input.fill(v.code.toLowerCase());
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), input.press('Enter')]);
    assert.match(await page.locator('.notice').innerText(), /Check-in berhasil/);
    assert.match(await card(page, v.id).innerText(), /sudah check-in/);

    await clickAndWait(page, card(page, v.id).getByRole('button', { name: 'Mulai panggilan' }));
    assert.match(await page.locator('.notice').innerText(), /Panggilan dimulai/);
    assert.match(await card(page, v.id).innerText(), /sedang panggilan/);

    await clickAndWait(page, card(page, v.id).getByRole('button', { name: '+10 menit' }));
    assert.match(await page.locator('.notice').innerText(), /Diperpanjang/);
    assert.match(await card(page, v.id).innerText(), /\(\+10\)/);

    // Ending early needs a reason: without one, the board says so and nothing changes.
    await card(page, v.id).locator('summary').click();
    await card(page, v.id).getByLabel('Dihentikan (isi alasannya)').check();
    await clickAndWait(page, card(page, v.id).getByRole('button', { name: 'Simpan hasil' }));
    assert.match(await page.locator('.alert').innerText(), /wajib diberi alasan/);
    assert.match(await card(page, v.id).innerText(), /sedang panggilan/);

    await card(page, v.id).locator('summary').click();
    await card(page, v.id).getByLabel('Dihentikan (isi alasannya)').check();
    await card(page, v.id).getByLabel('Alasan', { exact: true }).fill('Sambungan disalahgunakan');
    await clickAndWait(page, card(page, v.id).getByRole('button', { name: 'Simpan hasil' }));
    assert.match(await page.locator('.notice').innerText(), /Hasil dicatat/);
    const c = await card(page, v.id).innerText();
    assert.match(c, /dihentikan/, c);
    assert.match(c, /Sambungan disalahgunakan/, c);
    const [[status]] = await sql(server.databaseUrl, `SELECT status FROM visits WHERE id = ${v.id}`);
    assert.equal(status, 'terminated');
  });

  it('refreshes by itself with a change made by another request', async () => {
    const [, other] = visits;
    await page.goto(`${server.url}/staff/board`);
    await page.evaluate(() => {
      window.notReloaded = true;
    });
    assert.equal(await card(page, other.id).getAttribute('data-status'), 'booked');
    const csrf = await page.locator('input[name=csrf]').first().inputValue();
    // Another desk checks the visitor in.
    const r = await context.request.post(`${server.url}/staff/board/checkin`, {
      form: { csrf, code: other.code },
      headers: { Origin: server.url },
      maxRedirects: 0,
    });
    assert.equal(r.status(), 303, await r.text());
    await page.waitForFunction(
      (id) => document.querySelector(`#v-${id}`)?.getAttribute('data-status') === 'checked_in',
      other.id,
      { timeout: 15_000 },
    );
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
    const violations = await axeCheck(page);
    assert.equal(violations.length, 0, `axe-core found:\n${formatViolations(violations)}`);
  });

  it('on a small screen shows the list instead of the timeline', async () => {
    await page.setViewportSize({ width: 360, height: 640 });
    await page.goto(`${server.url}/staff/board`);
    assert.equal(await page.locator('.tl-wrap').isVisible(), false, 'the timeline is hidden');
    assert.equal(await card(page, visits[1].id).isVisible(), true, 'the list is shown');
    const violations = await axeCheck(page);
    assert.equal(violations.length, 0, `axe-core found:\n${formatViolations(violations)}`);
  });
});
