// Logging a staff member into the console through the real pages, second factor included.
//
// `staffLogin(page, baseUrl, username, password)` fills the login form; when the server asks
// for a TOTP code it types one, and on an account's first login where TOTP is mandatory
// (administrators always) it enrols: reads the secret shown on the enrolment page, remembers
// it (per server and username, for this test process) and confirms with a code. Codes are
// computed here (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) with node's crypto, never
// the same step twice for an account: the server refuses a reused step, so a second login in
// the same 30 seconds uses the next step (the server allows one step of drift) or waits.

import { createHmac } from 'node:crypto';

/** Base32 (RFC 4648, no padding) to bytes. */
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit code of a base32 secret at a time step. */
export function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

/** The current 30-second time step. */
export function currentStep() {
  return Math.floor(Date.now() / 30_000);
}

/** Secrets read from enrolment pages and the last step used: `${baseUrl} ${username}` → {secret, last}. */
const accounts = new Map();

/** Remembers an account's secret (read from its enrolment page). */
export function rememberSecret(baseUrl, username, secret) {
  accounts.set(`${baseUrl} ${username}`, { secret: secret.replace(/\s/g, ''), last: 0 });
}

/** The remembered secret of an account, if it enrolled in this process. */
export function secretOf(baseUrl, username) {
  return accounts.get(`${baseUrl} ${username}`)?.secret;
}

/** A code of a step not used before for this account (waits when both near steps are used). */
export async function nextCode(baseUrl, username) {
  const account = accounts.get(`${baseUrl} ${username}`);
  if (!account) throw new Error(`${username} has not enrolled through staffLogin in this test`);
  const step = Math.max(currentStep(), account.last + 1);
  while (step > currentStep() + 1) {
    await new Promise((r) => setTimeout(r, 250));
  }
  account.last = step;
  return totp(account.secret, step);
}

async function submit(page) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('main form button[type=submit]').first().click(),
  ]);
}

/**
 * Logs a staff member in through the console's pages, enrolling or typing the second factor
 * when asked. Resolves with the page on the console (`/staff…`); throws with the page's text
 * when the login does not get there.
 *
 * @param {import('playwright-core').Page} page
 * @param {string} baseUrl e.g. http://127.0.0.1:1234
 * @param {string} username
 * @param {string} password
 */
export async function staffLogin(page, baseUrl, username, password) {
  await page.goto(`${baseUrl}/staff/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await submit(page);
  let path = new URL(page.url()).pathname;
  if (path === '/staff/login/enrol') {
    const secret = (await page.textContent('#totp-secret')) ?? '';
    rememberSecret(baseUrl, username, secret);
    await page.fill('#code', await nextCode(baseUrl, username));
    await submit(page);
  } else if (path === '/staff/login/totp') {
    await page.fill('#code', await nextCode(baseUrl, username));
    await submit(page);
  }
  path = new URL(page.url()).pathname;
  if (!path.startsWith('/staff') || path.startsWith('/staff/login')) {
    const text = await page.evaluate(() => document.body.innerText);
    throw new Error(`login of ${username} ended on ${page.url()}:\n${text}`);
  }
  return page;
}
