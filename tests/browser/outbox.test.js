// The demo's outbox page: with WhatsApp off, the messages families would receive are shown
// (a demo works offline), in Indonesian, readable on a phone.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axeCheck, firstPage, formatViolations, launch } from './lib/browser.js';
import { startServer } from './lib/server.js';

describe('demo outbox page (360×640)', { timeout: 300_000 }, () => {
  let server;
  let context;
  let page;

  before(async () => {
    server = await startServer({ demo: true });
    context = await launch({ viewport: { width: 360, height: 640 }, locale: 'id-ID' });
    page = await firstPage(context);
  }, { timeout: 180_000 });

  after(async () => {
    await context?.close();
    await server?.kill();
  });

  it('lists the demo messages, pending, with their visit codes', async () => {
    const response = await page.goto(`${server.url}/demo/outbox`);
    assert.equal(response?.status(), 200);
    const text = await page.evaluate(() => document.body.innerText);
    assert.match(text, /Kunjungan virtual Anda sudah dipesan/, text);
    assert.match(text, /Kode kunjungan: [0-9A-Z]{4}-[0-9A-Z]{4}/, text);
    assert.match(text, /pending/, text);
    assert.match(text, /disetujui sebagai pengunjung/, text);
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    const violations = await axeCheck(page);
    assert.equal(violations.length, 0, `axe-core found:\n${formatViolations(violations)}`);
  });
});
