// The operator console's approvals, visitors and booking pages in a real browser: an operator
// signs in, approves a family's pending link from the queue, finds the visitor, and books a
// visit on the family's behalf; axe-core finds no serious or critical violations on the way.
//
// The pending link is created through the staff API (as the national administrator), with
// the inmate's id read from the database (lib/db.js).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axeCheck, firstPage, formatViolations, launch } from './lib/browser.js';
import { sql } from './lib/db.js';
import { api, staffToken } from './lib/family.js';
import { startServer } from './lib/server.js';

const VISITOR = { name: 'Kartika Sari', nik: '3604011208850099', phone: '081299990123' };

async function noViolations(page, what) {
  const violations = await axeCheck(page);
  assert.equal(violations.length, 0, `axe-core on ${what}:\n${formatViolations(violations)}`);
}

async function bodyText(page) {
  return page.evaluate(() => document.body.innerText);
}

describe('staff approvals, visitors and booking (demo server)', { timeout: 300_000 }, () => {
  let server;
  let context;
  let page;
  let linkId;

  before(async () => {
    server = await startServer({ demo: true });
    const admin = await staffToken(server, { username: 'admin', password: 'demo-admin-2026' });
    const v = await api(server, admin, 'POST', '/visitors', VISITOR);
    assert.equal(v.status, 201, JSON.stringify(v.body));
    const rows = await sql(server.databaseUrl, "SELECT id FROM inmates WHERE name = 'Eko Prasetyo'");
    const inmateId = Number(rows[0][0]);
    const l = await api(server, admin, 'POST', '/links', {
      visitor_id: v.body.id,
      inmate_id: inmateId,
      relationship: 'sibling',
    });
    assert.equal(l.status, 201, JSON.stringify(l.body));
    linkId = l.body.id;
    context = await launch({ viewport: { width: 1024, height: 800 }, locale: 'id-ID' });
    page = await firstPage(context);
  }, { timeout: 180_000 });

  after(async () => {
    await context?.close();
    await server?.kill();
  });

  it('signs the operator in', async () => {
    await page.goto(`${server.url}/staff/login`);
    await page.fill('#username', 'operator.serang');
    await page.fill('#password', 'demo-operator-2026');
    await Promise.all([page.waitForURL(/\/staff$/), page.click('button[type=submit].btn')]);
  });

  it('approves a link from the queue', async () => {
    const res = await page.goto(`${server.url}/staff/approvals`);
    assert.equal(res.status(), 200);
    const queue = await bodyText(page);
    assert.ok(queue.includes(VISITOR.name), queue);
    assert.ok(queue.includes('3604********0099'), queue);
    assert.ok(!queue.includes(VISITOR.nik) && !queue.includes(VISITOR.phone), 'full NIK or phone shown');
    await noViolations(page, 'the approvals queue');

    await Promise.all([page.waitForURL(new RegExp(`/staff/approvals/${linkId}$`)), page.click(`text=${VISITOR.name}`)]);
    const detail = await bodyText(page);
    assert.ok(detail.includes('Eko Prasetyo'), detail);
    await noViolations(page, 'a request page');

    await Promise.all([
      page.waitForURL(/\/staff\/approvals\?done=approved$/),
      page.click('button:has-text("Setujui permohonan")'),
    ]);
    const done = await bodyText(page);
    assert.ok(done.includes('Permohonan disetujui'), done);
    assert.ok(!done.includes(VISITOR.name), `the request is still queued:\n${done}`);
    const rows = await sql(server.databaseUrl, `SELECT status FROM visitor_links WHERE id = ${linkId}`);
    assert.equal(rows[0][0], 'approved');
  });

  it('finds the visitor and shows the visitor page', async () => {
    await page.goto(`${server.url}/staff/visitors`);
    await page.fill('#q', 'kartika');
    await Promise.all([page.waitForURL(/q=kartika/), page.click('button:has-text("Cari")')]);
    await noViolations(page, 'the visitor search');
    await Promise.all([page.waitForURL(/\/staff\/visitors\/\d+$/), page.click(`text=${VISITOR.name}`)]);
    const text = await bodyText(page);
    assert.ok(text.includes('Eko Prasetyo') && text.includes('+62812****0123'), text);
    await noViolations(page, 'the visitor page');
  });

  it('books a visit on behalf of the family', async () => {
    await page.goto(`${server.url}/staff/book`);
    await noViolations(page, 'the booking search');
    await page.fill('#q', VISITOR.phone);
    await Promise.all([page.waitForURL(/\/staff\/book\?q=/), page.click('button:has-text("Cari")')]);
    await Promise.all([page.waitForURL(new RegExp(`/staff/book/${linkId}$`)), page.click('text=Eko Prasetyo')]);
    await noViolations(page, 'the booking form');
    await page.check('#via-walk_in');
    await Promise.all([page.waitForURL(/\/staff\/book\/done\//), page.click('button:has-text("Pesan")')]);
    const text = await bodyText(page);
    assert.ok(text.includes('Kunjungan dipesan') && text.includes('+62812****0123'), text);
    await noViolations(page, 'the booking confirmation');
    const rows = await sql(server.databaseUrl, "SELECT channel FROM visits WHERE visitor_id = (SELECT id FROM visitors WHERE phone = '+6281299990123')");
    assert.deepEqual(rows, [['staff']]);
  });
});
