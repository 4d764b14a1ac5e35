// The console's inmate pages through the UI as operator.serang: importing a CSV with one bad
// row (nothing imported, the row named) and transferring an inmate; axe-core on the list,
// view, import (form and preview) and transfer pages.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axeCheck, firstPage, formatViolations, launch } from './lib/browser.js';
import { startServer } from './lib/server.js';

/** Logs a staff member in through the form (password only). */
async function login(page, url, username, password) {
  await page.goto(`${url}/staff/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${url}/staff`), page.click('button[type=submit]')]);
}

async function noViolations(page, what) {
  const violations = await axeCheck(page);
  assert.equal(violations.length, 0, `${what}: axe-core found:\n${formatViolations(violations)}`);
}

const text = (page) => page.evaluate(() => document.body.innerText);

describe('console inmates (operator.serang)', { timeout: 300_000 }, () => {
  let server;
  let context;
  let page;

  before(async () => {
    server = await startServer({ demo: true });
    context = await launch({ viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
    page = await firstPage(context);
    await login(page, server.url, 'operator.serang', 'demo-operator-2026');
  }, { timeout: 180_000 });

  after(async () => {
    await context?.close();
    await server?.kill();
  });

  it('lists and searches the inmates (axe)', async () => {
    const res = await page.goto(`${server.url}/staff/inmates`);
    assert.equal(res.status(), 200);
    assert.ok((await text(page)).includes('Ahmad Fauzi'));
    await noViolations(page, 'list');
    await page.fill('#q', 'B.I 231');
    await Promise.all([page.waitForURL(/q=/), page.click('form[role=search] button')]);
    assert.ok((await text(page)).includes('1 WBP ditemukan'), await text(page));
  });

  it('imports a CSV with one bad row: nothing imported, the row named (axe)', async () => {
    await page.goto(`${server.url}/staff/inmates/import`);
    await noViolations(page, 'import form');
    const csv = 'reg_number,name,status\nB.I 801/2026,Satu Baik,narapidana\nB.I 802/2026,Dua Buruk,kabur\nB.I 803/2026,Tiga Baik,tahanan\n';
    await page.setInputFiles('#file', { name: 'wbp.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await Promise.all([page.waitForLoadState('load'), page.click('form[enctype] button[type=submit]')]);
    const preview = await text(page);
    assert.ok(preview.includes('Belum ada yang diimpor'), preview);
    assert.ok(preview.includes('Baris 3') && preview.includes('kabur'), `the bad row is not named:\n${preview}`);
    await noViolations(page, 'import preview');
    // Confirm without skipping: refused, nothing imported.
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/confirm"] button[type=submit]')]);
    const refused = await text(page);
    assert.ok(refused.includes('tidak ada yang diimpor'), refused);
    await page.goto(`${server.url}/staff/inmates?q=B.I%2080`);
    assert.ok((await text(page)).includes('0 WBP ditemukan'), await text(page));
  });

  it('transfers an inmate to another facility (axe on view and transfer)', async () => {
    await page.goto(`${server.url}/staff/inmates?q=B.I%20231`);
    await Promise.all([page.waitForLoadState('load'), page.click('table a')]);
    await noViolations(page, 'inmate view');
    await Promise.all([page.waitForURL(/\/transfer$/), page.click('a[href$="/transfer"]')]);
    const before = await text(page);
    assert.ok(before.includes('kunjungan mendatang akan dibatalkan'), before);
    await noViolations(page, 'transfer');
    await page.selectOption('#facility', 'LAPAS-MAKASSAR');
    await Promise.all([page.waitForURL(/done=transferred/), page.click('form[action$="/transfer"] button[type=submit]')]);
    assert.ok((await text(page)).includes('WBP telah dipindahkan'), await text(page));
    await page.goto(`${server.url}/staff/inmates?q=B.I%20231`);
    assert.ok((await text(page)).includes('0 WBP ditemukan'), await text(page));
  });

  it('announces what a release and a suspension will do (axe)', async () => {
    await page.goto(`${server.url}/staff/inmates?q=A.II%20118`);
    await Promise.all([page.waitForLoadState('load'), page.click('table a')]);
    await Promise.all([page.waitForURL(/\/release$/), page.click('a[href$="/release"]')]);
    assert.ok((await text(page)).includes('tautan pengunjung akan ditutup'), await text(page));
    await noViolations(page, 'release');
    await page.goBack();
    await Promise.all([page.waitForURL(/\/suspend$/), page.click('a[href$="/suspend"]')]);
    assert.ok((await text(page)).includes('Ditangguhkan sampai'), await text(page));
    await noViolations(page, 'suspend');
  });
});
