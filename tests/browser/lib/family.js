// The family portal's steps, shared by the family browser tests: a demo server with WhatsApp
// on (pointed at the fake Graph API), signing in with the code the fake received, registering,
// asking to visit an inmate, the operator's approval through the staff API, booking.
//
// Every helper asserts what the family should see at its step, so a broken page fails at the
// step that broke (with the page's text in the message) rather than later.

import assert from 'node:assert/strict';

import { sql } from './db.js';
import { isLoginCode, loginCode, recipient, startFakeGraph } from './fake-graph.js';
import { startServer } from './server.js';

/** The demo operator of RUTAN-SERANG (crates/app/src/demo.rs). */
export const OPERATOR = Object.freeze({ username: 'operator.serang', password: 'demo-operator-2026' });

/** A visit code as families see it. */
export const VISIT_CODE = /^[0-9A-Z]{4}-[0-9A-Z]{4}$/;

/** A phone in E.164 (`+62…`) from a national number as typed (`0812 7777 1234`). */
export function e164(national) {
  const digits = national.replace(/\D/g, '');
  return `+62${digits.replace(/^0/, '')}`;
}

/**
 * The fake Graph API and a demo server sending its WhatsApp messages there.
 * @returns {Promise<{server: Awaited<ReturnType<typeof startServer>>, fake: Awaited<ReturnType<typeof startFakeGraph>>}>}
 */
export async function startWithWhatsApp() {
  const fake = await startFakeGraph();
  let server;
  try {
    server = await startServer({
      demo: true,
      env: {
        JENGUK_WHATSAPP_PHONE_NUMBER_ID: '1098765432',
        JENGUK_WHATSAPP_TOKEN: 't',
        JENGUK_WHATSAPP_APP_SECRET: 's',
        JENGUK_WHATSAPP_VERIFY_TOKEN: 'v',
        JENGUK_WHATSAPP_API_BASE: fake.url,
      },
    });
  } catch (err) {
    await fake.close();
    throw err;
  }
  return { server, fake };
}

/** The visible text of the page's `<main>` (or body). */
export async function mainText(page) {
  return page.evaluate(() => (document.querySelector('main') ?? document.body).innerText);
}

/** Path and query of the page's URL. */
export function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

/**
 * Click something that submits a form or follows a link and wait for the next document.
 * @returns {Promise<import('playwright-core').Response|null>} the final document's response
 */
export async function clickAndWait(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return response;
}

/**
 * Ask for a login code on /masuk and wait for it at the fake; returns the code. The page is
 * left on the code form.
 */
export async function requestLoginCode(page, { server, fake, phone }) {
  const digits = e164(phone).slice(1);
  const before = fake.messages.length;
  const response = await page.goto(`${server.url}/masuk`);
  assert.equal(response?.status(), 200, `GET /masuk: ${response?.status()}`);
  await page.getByLabel('Nomor ponsel (WhatsApp)').fill(phone);
  await clickAndWait(page, page.getByRole('button', { name: 'Kirim kode lewat WhatsApp' }));
  const url = new URL(page.url());
  assert.equal(url.pathname, '/masuk/kode', `after sending the phone number: ${page.url()}\n${await mainText(page)}`);
  assert.equal(url.searchParams.get('phone'), e164(phone));
  const message = await fake.waitForMessage(
    (m) => fake.messages.indexOf(m) >= before && recipient(m) === digits && isLoginCode(m),
    20_000,
  );
  const code = loginCode(message);
  assert.match(code ?? '', /^\d{6}$/, `no 6-digit code in ${JSON.stringify(message.body)}`);
  return code;
}

/** Type the code on the code form and submit it; resolves to the response. */
export async function submitLoginCode(page, code) {
  await page.getByLabel('Kode dari WhatsApp').fill(code);
  return clickAndWait(page, page.getByRole('button', { name: 'Masuk', exact: true }));
}

/** Sign in (code from the fake). Resolves to the path the family lands on. */
export async function signIn(page, { server, fake, phone }) {
  const code = await requestLoginCode(page, { server, fake, phone });
  await submitLoginCode(page, code);
  return pathOf(page);
}

/** Fill and send the registration form on /daftar. */
export async function submitRegistration(page, { name, nik, consent = true }) {
  await page.getByLabel('Nama lengkap').fill(name);
  await page.getByLabel('NIK', { exact: true }).fill(nik);
  const box = page.getByLabel(/Saya sudah membaca dan menyetujui/);
  if (consent) await box.check();
  else await box.uncheck();
  return clickAndWait(page, page.getByRole('button', { name: 'Daftar', exact: true }));
}

/**
 * On /tautan: search a facility for `query`, then ask to visit the result named `inmate` as
 * `relationship` (its label, e.g. "Saudara kandung"). Lands on /tautan?sent=1.
 */
export async function requestLink(page, { server, facility = 'RUTAN-SERANG', query, inmate, relationship }) {
  if (!new URL(page.url()).pathname.startsWith('/tautan')) await page.goto(`${server.url}/tautan`);
  await page.getByLabel('Rutan atau Lapas').selectOption(facility);
  await page.getByLabel('Nama atau nomor registrasi').fill(query);
  await clickAndWait(page, page.getByRole('button', { name: 'Cari', exact: true }));
  const card = page.locator('li.card').filter({ has: page.getByRole('heading', { name: inmate }) });
  assert.equal(await card.count(), 1, `no single result "${inmate}" for "${query}":\n${await mainText(page)}`);
  await card.getByLabel(relationship).check();
  await clickAndWait(page, card.getByRole('button', { name: 'Ajukan sebagai pengunjung' }));
  assert.equal(pathOf(page), '/tautan?sent=1', `after asking to visit ${inmate}: ${page.url()}\n${await mainText(page)}`);
}

/** A staff bearer token (the demo operator of Serang by default). */
export async function staffToken(server, { username, password } = OPERATOR) {
  const res = await fetch(`${server.url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `POST /api/v1/auth/token: ${res.status} ${text}`);
  const body = JSON.parse(text);
  const token = body.token ?? body.access_token;
  assert.ok(token, `no token in ${text}`);
  return token;
}

/** A staff API call; resolves to `{status, body}` (body parsed when JSON). */
export async function api(server, token, method, path, body) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/**
 * As the operator: approve every pending link of the visitor with phone `phone` (E.164 or as
 * typed), found through GET /links?status=pending and GET /visitors/{id}. Resolves to the
 * approved links (at least one, or the assertion fails).
 */
export async function approvePendingLinks(server, token, { phone }) {
  const want = phone.startsWith('+') ? phone : e164(phone);
  const list = await api(server, token, 'GET', '/links?status=pending');
  assert.equal(list.status, 200, `GET /links?status=pending: ${JSON.stringify(list.body)}`);
  const approved = [];
  for (const l of list.body) {
    const v = await api(server, token, 'GET', `/visitors/${l.visitor_id}`);
    assert.equal(v.status, 200, `GET /visitors/${l.visitor_id}: ${JSON.stringify(v.body)}`);
    if (v.body.phone !== want) continue;
    const r = await api(server, token, 'POST', `/links/${l.id}/approve`, {});
    assert.equal(r.status, 200, `POST /links/${l.id}/approve: ${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(r.body.status, 'approved');
    approved.push(r.body);
  }
  assert.ok(approved.length > 0, `no pending link of ${want} to approve among ${JSON.stringify(list.body)}`);
  return approved;
}

/**
 * On a booking or moving page: press the first free slot of the first (open) day. When the
 * booking is refused (the demo's own visits use up the inmate's weekly quota in some weeks),
 * the page must say why and offer the nearest free slots; the first of those is pressed, as a
 * family would. Lands on a visit page; resolves to `{ code, label, path, refused }` (the code
 * as shown, the label of the slot finally pressed, the visit's path, and the refusal's text
 * when the first press was refused).
 */
export async function pickFirstSlot(page) {
  const slot = page.locator('details[open] .slots button').first();
  assert.ok((await slot.count()) > 0, `no free slot offered on ${page.url()}:\n${await mainText(page)}`);
  let label = (await slot.innerText()).trim();
  const response = await clickAndWait(page, slot);
  let refused;
  if (!/^\/kunjungan\/[^/]+$/.test(new URL(page.url()).pathname)) {
    const alert = page.locator('main .alert[role=alert]');
    assert.equal(await alert.count(), 1, `pressing slot ${label} led to ${page.url()} (${response?.status()}) without a refusal:\n${await mainText(page)}`);
    assert.equal(response?.status(), 409, `a refused booking answered ${response?.status()}`);
    refused = (await alert.innerText()).trim();
    const alternative = page.getByRole('group', { name: 'Waktu terdekat yang masih kosong' }).getByRole('button').first();
    assert.equal(await alternative.count(), 1, `a refusal without alternatives:\n${await mainText(page)}`);
    label = (await alternative.innerText()).trim();
    await clickAndWait(page, alternative);
  }
  const m = /^\/kunjungan\/([^/?]+)$/.exec(new URL(page.url()).pathname);
  assert.ok(m, `pressing slot ${label} did not lead to a visit page: ${page.url()}\n${await mainText(page)}`);
  const code = (await page.locator('p.code').first().innerText()).trim();
  return { code, label, path: new URL(page.url()).pathname, refused };
}

/** From /kunjungan, press the approved link's "book" button and book its first free slot. */
export async function bookFirstSlot(page, { server }) {
  await page.goto(`${server.url}/kunjungan`);
  await clickAndWait(page, page.getByRole('link', { name: 'Pilih jadwal' }).first());
  assert.match(new URL(page.url()).pathname, /^\/pesan\/\d+$/, `the book button led to ${page.url()}`);
  return pickFirstSlot(page);
}

/**
 * Make a booked visit (days ahead) one that took place, for the rating page: its start is set
 * to ten minutes from now straight in the database (families can only book from tomorrow, and
 * staff may check in only from 30 minutes before the start), then the operator checks it in,
 * starts the call and records it completed through the staff API.
 */
export async function completeVisit(server, token, code) {
  const bare = code.replace('-', '');
  const start = Math.floor(Date.now() / 1000) + 600;
  await sql(server.databaseUrl, `UPDATE visits SET start_at = ${start}, end_at = ${start + 900} WHERE code = '${bare}'`);
  const check = await sql(server.databaseUrl, `SELECT start_at FROM visits WHERE code = '${bare}'`);
  assert.equal(check[0]?.[0], String(start), `the visit ${code} was not moved in the database: ${JSON.stringify(check)}`);
  for (const [path, body] of [
    [`/visits/${code}/check-in`, undefined],
    [`/visits/${code}/start`, undefined],
    [`/visits/${code}/outcome`, { outcome: 'completed' }],
  ]) {
    const r = await api(server, token, 'POST', path, body);
    assert.equal(r.status, 200, `POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}
