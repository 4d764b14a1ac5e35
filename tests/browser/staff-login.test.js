// The console's login with a second factor, in a real browser: admin.serang enrols on its
// first login (QR code and secret shown, a code computed from the secret), logs out, logs in
// again with a fresh code; a wrong code is refused with a message. axe-core finds no serious
// or critical violation on the login, enrolment, code, account, staff, facility and audit
// pages.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axeCheck, firstPage, formatViolations, launch } from './lib/browser.js';
import { startServer } from './lib/server.js';
import { nextCode, rememberSecret, secretOf, staffLogin } from './lib/staff.js';

const ADMIN = { username: 'admin.serang', password: 'demo-serang-2026' };
const NATIONAL = { username: 'admin', password: 'demo-admin-2026' };

async function submit(page) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('main form button[type=submit]').first().click(),
  ]);
}

async function noViolations(page, what) {
  const violations = await axeCheck(page);
  assert.equal(violations.length, 0, `${what}: axe-core found:\n${formatViolations(violations)}`);
}

const pathname = (page) => new URL(page.url()).pathname;

describe('console login with TOTP (demo server)', { timeout: 300_000 }, () => {
  let server;
  let context;
  let page;

  before(async () => {
    server = await startServer({ demo: true });
    context = await launch({ viewport: { width: 1024, height: 768 }, locale: 'id-ID' });
    page = await firstPage(context);
  }, { timeout: 180_000 });

  after(async () => {
    await context?.close();
    await server?.kill();
  });

  it('an administrator enrols on the first login: QR code, secret, a first code', async () => {
    await page.goto(`${server.url}/staff/login`);
    await noViolations(page, 'login page');
    await page.fill('#username', ADMIN.username);
    await page.fill('#password', ADMIN.password);
    await submit(page);
    assert.equal(pathname(page), '/staff/login/enrol');
    assert.equal(await page.locator('main svg[role=img]').count(), 1, 'no QR code');
    await noViolations(page, 'enrolment page');
    // The console stays shut until the second factor is done.
    await page.goto(`${server.url}/staff/users`);
    assert.equal(pathname(page), '/staff/login/enrol');
    const secret = (await page.textContent('#totp-secret')) ?? '';
    assert.match(secret, /^[A-Z2-7]{4}( [A-Z2-7]{4})+$/);
    rememberSecret(server.url, ADMIN.username, secret);
    await page.fill('#code', '000000');
    await submit(page);
    assert.match(await page.textContent('main .alert'), /Kode salah/);
    await page.fill('#code', await nextCode(server.url, ADMIN.username));
    await submit(page);
    assert.equal(pathname(page), '/staff');
  });

  it('logs out and logs in again with a fresh code', async () => {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('header form button')]);
    assert.equal(pathname(page), '/staff/login');
    await page.fill('#username', ADMIN.username);
    await page.fill('#password', ADMIN.password);
    await submit(page);
    assert.equal(pathname(page), '/staff/login/totp');
    await noViolations(page, 'code page');
    await page.fill('#code', await nextCode(server.url, ADMIN.username));
    await submit(page);
    assert.equal(pathname(page), '/staff');
  });

  it('has no serious or critical violations on the account, staff and audit pages', async () => {
    for (const path of ['/staff/account', '/staff/account/password', '/staff/users', '/staff/audit']) {
      const res = await page.goto(`${server.url}${path}`);
      assert.equal(res?.status(), 200, path);
      await noViolations(page, path);
    }
    await page.goto(`${server.url}/staff/audit?action=auth.`);
    assert.ok((await page.locator('#audit-table tbody tr').count()) > 0, 'no login events');
  });

  it('staffLogin enrols and signs in the national administrator; facilities page', async () => {
    const other = await launch({ viewport: { width: 1024, height: 768 }, locale: 'id-ID' });
    try {
      const p = await firstPage(other);
      await staffLogin(p, server.url, NATIONAL.username, NATIONAL.password);
      assert.ok(secretOf(server.url, NATIONAL.username), 'no secret remembered');
      const res = await p.goto(`${server.url}/staff/facilities`);
      assert.equal(res?.status(), 200);
      await noViolations(p, '/staff/facilities');
      // A second login of the same account in the same 30 s: a fresh step, not a reused one.
      await other.clearCookies();
      await staffLogin(p, server.url, NATIONAL.username, NATIONAL.password);
      assert.equal(pathname(p), '/staff');
    } finally {
      await other.close();
    }
  });
});
