// A family's whole journey on the portal, on a small Indonesian phone (360×640, id-ID), with
// WhatsApp on and pointed at a fake Graph API: log in with the code the fake received (after a
// wrong code), register (after a bad NIK), ask to visit an inmate, the operator approves through
// the staff API, book, see the code, the QR and the calendar file, move, cancel, rate a visit
// that took place, download "my data", delete the account.
//
// Runs on SQLite, and on PostgreSQL when JENGUK_TEST_POSTGRES is set (scripts/test does both).
// The steps share one server and one browser and run in order; each asserts what the family
// sees at that step.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';

import { firstPage, launch } from './lib/browser.js';
import {
  VISIT_CODE,
  api,
  approvePendingLinks,
  bookFirstSlot,
  clickAndWait,
  completeVisit,
  e164,
  mainText,
  pathOf,
  pickFirstSlot,
  requestLink,
  requestLoginCode,
  staffToken,
  startWithWhatsApp,
  submitLoginCode,
  submitRegistration,
} from './lib/family.js';
import { messageText, recipient, templateName } from './lib/fake-graph.js';

const PHONE = '0812 7777 1234';
const DIGITS = e164(PHONE).slice(1);
const NAME = 'Rina Wulandari';
// Province 31, regency 71, district 01, born 17-08-45 (a man's DD), serial 0101.
const NIK = '3171011708450101';

describe('family journey (360×640, id-ID, WhatsApp → fake Graph API)', { timeout: 600_000 }, () => {
  let server;
  let fake;
  let context;
  let page;
  let token;
  let visit; // { code, label, path } of the booked visit
  let moved; // the same after moving
  let visitorId;

  before(async () => {
    ({ server, fake } = await startWithWhatsApp());
    context = await launch({ viewport: { width: 360, height: 640 }, locale: 'id-ID', acceptDownloads: true });
    page = await firstPage(context);
  }, { timeout: 180_000 });

  after(async () => {
    await context?.close();
    await server?.kill();
    await fake?.close();
  });

  it('start page: what Jenguk is, a way in, the demo facility', async () => {
    const response = await page.goto(`${server.url}/`);
    assert.equal(response?.status(), 200);
    const text = await mainText(page);
    assert.match(text, /Rutan Kelas IIB Serang/, text);
    const cta = page.getByRole('link', { name: 'Masuk atau daftar' }).first();
    assert.equal(await cta.count(), 1, `no "Masuk atau daftar" link:\n${text}`);
    await clickAndWait(page, cta);
    assert.equal(new URL(page.url()).pathname, '/masuk');
  });

  it('login: a wrong code is refused with a message, the code from WhatsApp lets the family in', async () => {
    const code = await requestLoginCode(page, { server, fake, phone: PHONE });
    assert.match(await mainText(page), /\+62 812 7777 1234/, 'the code page does not say where the code went');

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const refused = await submitLoginCode(page, wrong);
    assert.ok(refused && refused.status() >= 400, `a wrong code answered ${refused?.status()}`);
    assert.equal(new URL(page.url()).pathname, '/masuk/kode');
    const error = page.locator('#code-error');
    assert.equal(await error.count(), 1, `no message next to the code field:\n${await mainText(page)}`);
    assert.ok((await error.innerText()).trim().length > 0);
    assert.equal(await page.getByLabel('Kode dari WhatsApp').getAttribute('aria-invalid'), 'true');

    await submitLoginCode(page, code);
    assert.equal(pathOf(page), '/daftar', `the right code led to ${page.url()}\n${await mainText(page)}`);
    const cookies = await context.cookies(server.url);
    const session = cookies.find((c) => c.name === 'jenguk_session');
    assert.ok(session, `no session cookie: ${JSON.stringify(cookies)}`);
    assert.equal(session.httpOnly, true);
  });

  it('register: a bad NIK and a missing consent show their messages, then the family registers', async () => {
    assert.match(await mainText(page), /\+62 812 7777 1234/, 'the register page does not show the confirmed number');
    // Day 32 is no date: the NIK's birth date is checked.
    const bad = await submitRegistration(page, { name: NAME, nik: '3171013208450101' });
    assert.equal(bad?.status(), 422);
    assert.equal(new URL(page.url()).pathname, '/daftar');
    const error = page.locator('#nik-error');
    assert.equal(await error.count(), 1, `no message next to the NIK:\n${await mainText(page)}`);
    assert.match(await error.innerText(), /Tanggal lahir pada NIK/);
    assert.equal(await page.getByLabel('NIK', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Nama lengkap').inputValue(), NAME, 'the name typed was lost');

    const tooShort = await submitRegistration(page, { name: NAME, nik: '31710117' });
    assert.equal(tooShort?.status(), 422);
    assert.match(await page.locator('#nik-error').innerText(), /16 angka/);

    const noConsent = await submitRegistration(page, { name: NAME, nik: NIK, consent: false });
    assert.equal(noConsent?.status(), 422);
    assert.equal(await page.locator('#nik-error').count(), 0, 'a good NIK was refused');
    assert.match(await page.locator('#consent-error').innerText(), /Centang persetujuan/);

    await submitRegistration(page, { name: NAME, nik: NIK });
    assert.equal(pathOf(page), '/tautan', `registering led to ${page.url()}\n${await mainText(page)}`);
  });

  it('link: a too-short search is refused, then the family asks to visit Dedi Kurniawan', async () => {
    await page.getByLabel('Rutan atau Lapas').selectOption('RUTAN-SERANG');
    await page.getByLabel('Nama atau nomor registrasi').fill('De');
    await clickAndWait(page, page.getByRole('button', { name: 'Cari', exact: true }));
    assert.match(await mainText(page), /paling sedikit 3 huruf/i);

    await requestLink(page, {
      server,
      query: 'Dedi',
      inmate: 'Dedi Kurniawan',
      relationship: 'Saudara kandung',
    });
    const text = await mainText(page);
    assert.match(text, /Permohonan terkirim/, text);
    assert.match(text, /Dedi Kurniawan/, text);
    assert.match(text, /Menunggu pemeriksaan petugas/, text);
  });

  it('my visits: no book button before the operator approves', async () => {
    await page.goto(`${server.url}/kunjungan`);
    assert.equal(await page.getByRole('link', { name: 'Pilih jadwal' }).count(), 0);
    assert.match(await mainText(page), /belum disetujui/);
  });

  it('the operator approves the request through the staff API; WhatsApp tells the family', async () => {
    token = await staffToken(server);
    const approved = await approvePendingLinks(server, token, { phone: PHONE });
    assert.equal(approved.length, 1);
    assert.equal(approved[0].relationship, 'sibling');
    visitorId = approved[0].visitor_id;
    const m = await fake.waitForMessage(
      (x) => recipient(x) === DIGITS && /link_approved|disetujui/.test(templateName(x) ?? messageText(x)),
      20_000,
    );
    assert.match(messageText(m), /Dedi Kurniawan/);
  });

  it('book: the first free slot; the visit page shows the code, the QR, the join link and the calendar file', async () => {
    visit = await bookFirstSlot(page, { server });
    // Dedi's demo visit may use up his weekly quota in the first bookable week: the refusal
    // must then say so (and the nearest free slots were offered and taken).
    if (visit.refused) assert.match(visit.refused, /Jatah kunjungan/, visit.refused);
    assert.match(visit.code, VISIT_CODE);
    assert.equal(visit.path, `/kunjungan/${visit.code.replace('-', '')}`);
    const text = await mainText(page);
    assert.match(text, /Terkonfirmasi/, text);
    assert.match(text, /Dedi Kurniawan/, text);

    const svg = page.locator('main svg');
    assert.equal(await svg.count(), 1, 'no inline <svg> QR code on the visit page');
    assert.ok((await svg.locator('path').getAttribute('d'))?.length > 100, 'the QR <svg> has no modules');
    assert.ok(await svg.getAttribute('aria-label'), 'the QR <svg> has no accessible name');

    const join = page.getByRole('link', { name: 'Buka halaman kunjungan' });
    const joinHref = await join.getAttribute('href');
    assert.match(joinHref ?? '', new RegExp(`/join/${visit.code.replace('-', '-?')}$`), `join link ${joinHref}`);

    const icsHref = await page.getByRole('link', { name: 'Tambahkan ke kalender' }).getAttribute('href');
    assert.match(icsHref ?? '', /\/kalender\.ics$/);
    const ics = await page.request.get(new URL(icsHref, page.url()).toString());
    assert.equal(ics.status(), 200);
    assert.match(ics.headers()['content-type'] ?? '', /text\/calendar/);
    const body = await ics.text();
    assert.match(body, /^BEGIN:VCALENDAR\r?\n/);
    assert.match(body, /BEGIN:VEVENT/);
    assert.match(body, new RegExp(`DTSTART`));
    assert.ok(body.includes(visit.code), `the calendar file does not carry the code ${visit.code}:\n${body}`);

    const m = await fake.waitForMessage((x) => recipient(x) === DIGITS && messageText(x).includes(visit.code), 20_000);
    assert.ok(m, 'no WhatsApp message with the visit code');
  });

  it('join page before the visit: a countdown, no call yet', async () => {
    const href = await page.getByRole('link', { name: 'Buka halaman kunjungan' }).getAttribute('href');
    const response = await page.goto(new URL(href, page.url()).toString());
    assert.equal(response?.status(), 200);
    const text = await mainText(page);
    assert.match(text, /Kunjungan dimulai dalam/, text);
    assert.equal(await page.locator('[role=timer]').count(), 1);
    assert.equal(await page.locator('#call').count(), 0, 'the call opened days before the visit');
    assert.ok(text.includes(visit.code), text);
  });

  it('move: another slot; a new code, the old one cancelled as moved', async () => {
    await page.goto(`${server.url}${visit.path}`);
    await clickAndWait(page, page.getByRole('link', { name: 'Ubah jadwal' }));
    assert.equal(new URL(page.url()).pathname, `${visit.path}/ubah`);
    moved = await pickFirstSlot(page);
    assert.match(moved.code, VISIT_CODE);
    assert.notEqual(moved.code, visit.code, 'moving kept the old code');
    assert.match(new URL(page.url()).search, /done=moved/);
    assert.match(await mainText(page), /Jadwal sudah diubah/);

    await page.goto(`${server.url}${visit.path}`);
    const old = await mainText(page);
    assert.match(old, /Dibatalkan/, old);
    assert.match(old, /jadwal dipindahkan/, old);
    assert.equal(await page.getByRole('link', { name: 'Ubah jadwal' }).count(), 0, 'a moved visit can be moved again');
  });

  it('cancel: asks for confirmation first, then cancels', async () => {
    await page.goto(`${server.url}${moved.path}`);
    await clickAndWait(page, page.getByRole('link', { name: 'Batalkan', exact: true }));
    assert.equal(new URL(page.url()).pathname, `${moved.path}/batal`);
    assert.match(await mainText(page), /Yakin ingin membatalkan/);
    // "Keep it" leaves the visit as it is.
    await clickAndWait(page, page.getByRole('link', { name: 'Jangan batalkan' }));
    assert.equal(new URL(page.url()).pathname, moved.path);
    assert.match(await mainText(page), /Terkonfirmasi/);

    await clickAndWait(page, page.getByRole('link', { name: 'Batalkan', exact: true }));
    await clickAndWait(page, page.getByRole('button', { name: 'Ya, batalkan kunjungan' }));
    assert.equal(pathOf(page), `${moved.path}?done=cancelled`);
    const text = await mainText(page);
    assert.match(text, /Kunjungan sudah dibatalkan/, text);
    assert.match(text, /Status: Dibatalkan/, text);
    assert.equal(await page.locator('main svg').count(), 0, 'a cancelled visit still shows its QR code');

    const join = await page.goto(`${server.url}/join/${moved.code}`);
    assert.equal(join?.status(), 200);
    assert.match(await mainText(page), /dibatalkan/);
  });

  it('rate: a visit that took place (staff checked it in and completed it) can be rated once', async () => {
    const third = await bookFirstSlot(page, { server });
    assert.match(third.code, VISIT_CODE);
    await completeVisit(server, token, third.code);

    await page.goto(`${server.url}${third.path}`);
    assert.match(await mainText(page), /Selesai/);
    await clickAndWait(page, page.getByRole('link', { name: 'Beri penilaian layanan' }));
    assert.equal(new URL(page.url()).pathname, `${third.path}/nilai`);
    const groups = page.locator('main fieldset');
    assert.equal(await groups.count(), 4, 'the survey does not have its four questions');
    for (let i = 0; i < 4; i += 1) await groups.nth(i).getByLabel('Sangat baik').check();
    await page.getByLabel(/Saran atau keluhan/).fill('Suara jelas, terima kasih.');
    await clickAndWait(page, page.getByRole('button', { name: 'Kirim penilaian' }));
    assert.equal(pathOf(page), `${third.path}?done=rated`);
    const text = await mainText(page);
    assert.match(text, /Terima kasih atas penilaian Anda/, text);
    assert.equal(await page.getByRole('link', { name: 'Beri penilaian layanan' }).count(), 0, 'rated twice?');
  });

  it('my data: shows the visitor, downloads JSON with the name', async () => {
    const response = await page.goto(`${server.url}/data-saya`);
    assert.equal(response?.status(), 200);
    const text = await mainText(page);
    assert.match(text, new RegExp(NAME), text);
    assert.ok(!text.includes(NIK), 'the full NIK is shown on "my data"');
    assert.match(text, /3171\*+0101/, `the masked NIK is not shown:\n${text}`);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Unduh data saya (JSON)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.json$/);
    const raw = await readFile(await download.path(), 'utf8');
    const data = JSON.parse(raw);
    assert.ok(raw.includes(NAME), `the download does not contain the name:\n${raw}`);
    assert.ok(!raw.includes(NIK), 'the download contains the full NIK');
    assert.ok(raw.includes(e164(PHONE)), 'the download does not contain the phone number');
    assert.equal(typeof data, 'object');
  });

  it('delete: needs the confirmation box, then signs out; my visits asks to log in again', async () => {
    await page.goto(`${server.url}/data-saya`);
    // Without the box ticked (the browser's own check switched off, as on an old phone) the
    // server refuses and says why.
    await page.locator('form[action="/data-saya/hapus"]').evaluate((f) => {
      f.noValidate = true;
    });
    const unconfirmed = await clickAndWait(page, page.getByRole('button', { name: 'Hapus akun saya' }));
    assert.equal(unconfirmed?.status(), 422);
    assert.match(await mainText(page), /Centang kotak persetujuan/);

    await page.getByLabel(/ingin menghapus akun saya/).check();
    await clickAndWait(page, page.getByRole('button', { name: 'Hapus akun saya' }));
    const landed = pathOf(page);
    assert.match(landed, /^\/(\?|$)/, `after deleting: ${page.url()}`);
    assert.equal(
      (await context.cookies(server.url)).find((c) => c.name === 'jenguk_session'),
      undefined,
      'the session cookie is still there after deleting the account',
    );

    const response = await page.goto(`${server.url}/kunjungan`);
    assert.equal(response?.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/masuk', `after deletion /kunjungan led to ${page.url()}`);
    await page.goto(`${server.url}/data-saya`);
    assert.equal(new URL(page.url()).pathname, '/masuk');

    // Staff no longer see who it was.
    const v = await api(server, token, 'GET', `/visitors/${visitorId}`);
    assert.ok([200, 404, 410].includes(v.status), `GET /visitors/${visitorId} after deletion: ${v.status} ${JSON.stringify(v.body)}`);
    const seen = JSON.stringify(v.body);
    assert.ok(!seen.includes(NAME) && !seen.includes(e164(PHONE)), `staff still see the deleted visitor: ${seen}`);

    // The same number starts again from scratch.
    const code = await requestLoginCode(page, { server, fake, phone: PHONE });
    await submitLoginCode(page, code);
    assert.equal(pathOf(page), '/daftar', `signing in again after deletion led to ${page.url()}`);
  });

  it('delete: the start page confirms the account was deleted', async () => {
    // data.rs redirects to /?notice=account-deleted and exports the notice for the start page.
    const response = await page.goto(`${server.url}/?notice=account-deleted`);
    assert.equal(response?.status(), 200);
    assert.match(await mainText(page), /Akun Anda sudah dihapus/);
  });
});
