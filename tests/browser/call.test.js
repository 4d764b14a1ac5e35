// Video calls end to end in Debian's Chromium with a fake camera and microphone: the family
// page (/join/{code}) and the booth kiosk (/kiosk, paired to its booth) join the same visit,
// an officer watches (/staff/monitor/{id}); getStats() shows audio bytes and video frames
// rising on all three; the visit becomes in_call; a kiosk reload mid-call rejoins; the
// countdown reaches zero and both sides leave the call. In a legal visit the officer gets the
// picture and no audio at all. A wrong code and an early join are refused. Pages pass axe and
// the family page weighs under its 150 KB budget before media starts.
//
// Only three Chromium instances at once (two cores): one visit at a time.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { axeCheck, firstPage, formatViolations, launch } from './lib/browser.js';
import { sql } from './lib/db.js';
import { makeVisit, nowSecs } from './lib/visits.js';
import { jengukBin, startServer } from './lib/server.js';
import { loadAndWeigh } from './lib/weight.js';

const OFFICER = { username: 'officer.serang', password: 'demo-officer-2026' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What the page's call receives so far (totals), or null before it has a connection. */
async function received(page) {
  return page.evaluate(async () => (window.jengukCall && window.jengukCall.pc ? window.jengukCall.stats() : null));
}

/** Waits until the page's received audio bytes and video frames both rise (or `audio: false`:
 *  frames rise and no audio byte ever arrives). */
async function mediaFlows(page, label, { audio = true, timeout = 60_000 } = {}) {
  const until = Date.now() + timeout;
  let first = null;
  let last = null;
  while (Date.now() < until) {
    last = await received(page).catch(() => null);
    if (last && last.frames > 0 && (!audio || last.audioBytes > 0)) {
      if (!first) first = last;
      else if (last.frames > first.frames + 10 && (!audio || last.audioBytes > first.audioBytes)) return last;
    }
    await sleep(500);
  }
  assert.fail(`${label}: media did not flow: first ${JSON.stringify(first)} last ${JSON.stringify(last)}`);
}

async function noSeriousViolations(page, label) {
  const v = await axeCheck(page);
  assert.equal(v.length, 0, `${label}:\n${formatViolations(v)}`);
}

/** A free loopback port (for a server restarted on the same address). */
async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** `jenguk demo` on a fixed port and database (lib/server.js always picks a new port). */
async function demoOn(port, databaseUrl) {
  const child = spawn(jengukBin(), ['demo', '--listen', `127.0.0.1:${port}`, '--database', databaseUrl], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`jenguk did not start:\n${out}`)), 120_000);
    const on = (d) => {
      out += d;
      if (/listening on http/i.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (code) => reject(new Error(`jenguk exited (${code}):\n${out}`)));
  });
  child.removeAllListeners('exit');
  child.stop = () =>
    new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return child;
}

/** Marks the page's current connection, then waits for a newer one to be connected. */
async function markConnection(page) {
  await page.evaluate(() => {
    window.jengukCall.pc.jengukOld = true;
  });
}
async function newConnection(page, label, timeout = 60_000) {
  await page
    .waitForFunction(() => {
      const pc = window.jengukCall && window.jengukCall.pc;
      return pc && !pc.jengukOld && pc.connectionState === 'connected';
    }, null, { timeout })
    .catch(async (e) => {
      const info = await page.evaluate(() => {
        const c = window.jengukCall;
        return JSON.stringify({ has: !!c, pc: c && c.pc ? c.pc.connectionState : null, old: c && c.pc ? !!c.pc.jengukOld : null,
          stopped: c && c.stopped, attempt: c && c.attempt, status: (document.getElementById('status') || document.getElementById('call-status') || {}).textContent });
      }).catch((x) => String(x));
      assert.fail(`${label}: no new connection: ${e.message} ${info}`);
    });
}

async function officerLogin(page, url) {
  await page.goto(`${url}/staff/login`);
  await page.fill('#username', OFFICER.username);
  await page.fill('#password', OFFICER.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/staff/login')), page.click('button[type=submit]')]);
}

describe('video calls (family page, booth kiosk, officer monitor)', { timeout: 900_000 }, () => {
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
    const c = await launch({ locale: 'id-ID', ...options });
    contexts.push(c);
    return c;
  }
  async function closeAll() {
    while (contexts.length) await contexts.pop().close().catch(() => {});
  }

  it('a wrong code and an early join are refused, with a clear page', async () => {
    const ctx = await browser({ viewport: { width: 360, height: 640 } });
    const page = await firstPage(ctx);
    const res = await page.goto(`${server.url}/join/ZZZZ-ZZZZ`);
    assert.equal(res.status(), 404);
    assert.match(await page.textContent('main'), /tidak ditemukan/);
    assert.equal(await page.$('#call'), null);

    const early = await makeVisit(server, { startIn: 3600, len: 900 });
    await page.goto(`${server.url}/join/${early.code}?auto=0`);
    assert.equal(await page.$('#call'), null, 'no call an hour early');
    const refused = await page.evaluate(async (code) => {
      const r = await fetch(`/join/${code}/offer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sdp: 'v=0' }) });
      return { status: r.status, body: await r.json() };
    }, early.code);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error, 'call_too_early');
    assert.match(refused.body.message, /5 menit sebelum/);
    await closeAll();
  });

  it('family, kiosk and officer: media flows, the visit is in call, a kiosk reload rejoins, the countdown ends it', async () => {
    // The kiosk first: a new device shows its pairing code; it is bound to booth 1.
    const kioskCtx = await browser({ viewport: { width: 1280, height: 800 } });
    const kiosk = await firstPage(kioskCtx);
    await kiosk.goto(`${server.url}/kiosk`);
    const pairing = (await kiosk.textContent('#pairing-code')).trim();
    assert.match(pairing, /^[0-9A-Z]{6}$/);
    await noSeriousViolations(kiosk, 'kiosk pairing screen');

    // A checked-in visit at booth 1 that ends in ~100 s (the server's clock decides).
    const visit = await makeVisit(server, { startIn: -5, len: 100, status: 'checked_in' });
    await sql(
      server.databaseUrl,
      `UPDATE kiosk_devices SET booth_id = (SELECT booth_id FROM visits WHERE id = ${visit.id}),
         facility_id = (SELECT facility_id FROM visits WHERE id = ${visit.id}), paired_at = ${nowSecs()},
         pairing_code = NULL WHERE pairing_code = '${pairing}'`,
    );

    const familyCtx = await browser({ viewport: { width: 360, height: 640 } });
    const family = await firstPage(familyCtx);
    await family.goto(`${server.url}/join/${visit.code}`);
    await family.click('#start');

    const officerCtx = await browser();
    const officer = await firstPage(officerCtx);
    await officerLogin(officer, server.url);
    await officer.goto(`${server.url}/staff/monitor`);
    await noSeriousViolations(officer, 'monitor grid');
    await officer.goto(`${server.url}/staff/monitor/${visit.id}`);

    // The kiosk joins by itself once it sees its booth's visit.
    await kiosk.waitForSelector('#call:not([hidden])', { timeout: 30_000 });
    await mediaFlows(family, 'family');
    await mediaFlows(kiosk, 'kiosk');
    await mediaFlows(officer, 'officer');
    assert.equal(await family.getAttribute('#mute', 'aria-pressed'), 'false');

    const [[status]] = await sql(server.databaseUrl, `SELECT status FROM visits WHERE id = ${visit.id}`);
    assert.equal(status, 'in_call', 'family and kiosk connected: the checked-in visit is in call');
    const audited = await sql(server.databaseUrl, `SELECT COUNT(*) FROM audit_events WHERE action = 'visit.monitor' AND target_id = '${visit.id}'`);
    assert.equal(Number(audited[0][0]), 1);
    await noSeriousViolations(family, 'family call page');
    await noSeriousViolations(officer, 'monitor page');

    // The kiosk reloads mid-call: it rejoins, and the family sees it again.
    await kiosk.reload();
    await kiosk.waitForSelector('#call:not([hidden])', { timeout: 30_000 });
    await mediaFlows(kiosk, 'kiosk after reload');
    await mediaFlows(family, 'family after the kiosk reloaded');

    // The countdown reaches zero: both leave the call.
    const left = await family.evaluate(() => document.getElementById('countdown').textContent);
    assert.match(left, /^0[01]:\d\d$/, `countdown shows ${left}`);
    await family.waitForSelector('#call[data-state="ended"]', { timeout: 150_000 });
    assert.equal(await family.textContent('#countdown'), '00:00');
    assert.match(await family.textContent('#call-status'), /sudah habis/);
    await kiosk.waitForSelector('#kiosk[data-ended]', { timeout: 30_000 });
    assert.equal(await kiosk.isHidden('#call'), true, 'the kiosk is back to idle');
    const pcGone = await family.evaluate(() => !window.jengukCall.pc);
    assert.ok(pcGone, 'the family page closed its connection');
    const [[closed]] = await sql(server.databaseUrl, `SELECT COUNT(*) FROM visit_media_events WHERE visit_id = ${visit.id} AND kind = 'closed'`);
    assert.ok(Number(closed) >= 1);
    await closeAll();
  });

  it('the kiosk and the family carry on by themselves after a server restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jenguk-restart-'));
    const db = `sqlite://${join(dir, 'jenguk.db')}`;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let srv = await demoOn(port, db);
    try {
      const kioskCtx = await browser();
      const kiosk = await firstPage(kioskCtx);
      await kiosk.goto(`${url}/kiosk`);
      const pairing = (await kiosk.textContent('#pairing-code')).trim();
      const visit = await makeVisit({ databaseUrl: db }, { startIn: -5, len: 300 });
      await sql(
        db,
        `UPDATE kiosk_devices SET booth_id = (SELECT booth_id FROM visits WHERE id = ${visit.id}),
           facility_id = (SELECT facility_id FROM visits WHERE id = ${visit.id}), paired_at = ${nowSecs()},
           pairing_code = NULL WHERE pairing_code = '${pairing}'`,
      );
      const familyCtx = await browser({ viewport: { width: 360, height: 640 } });
      const family = await firstPage(familyCtx);
      await family.goto(`${url}/join/${visit.code}`);
      await family.click('#start');
      await kiosk.waitForSelector('#call:not([hidden])', { timeout: 30_000 });
      await mediaFlows(family, 'family');
      await mediaFlows(kiosk, 'kiosk');

      await markConnection(family);
      await markConnection(kiosk);
      await srv.stop();
      srv = await demoOn(port, db);
      await newConnection(kiosk, 'kiosk');
      await newConnection(family, 'family');
      await mediaFlows(kiosk, 'kiosk after the restart');
      await mediaFlows(family, 'family after the restart');
      assert.equal(await kiosk.isHidden('#call'), false, 'the kiosk stayed in the call');
      await closeAll();
    } finally {
      await srv.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a legal visit: the officer sees the picture and receives no audio', async () => {
    const visit = await makeVisit(server, { startIn: -5, len: 300, booth: 2, kind: 'legal' });
    const familyCtx = await browser({ viewport: { width: 360, height: 640 } });
    const weighed = await loadAndWeigh(familyCtx, `${server.url}/join/${visit.code}`);
    assert.ok(weighed.bytes < 150 * 1024, `family call page: ${weighed.bytes} bytes before media`);
    const family = weighed.page;
    await family.click('#start');

    const officerCtx = await browser();
    const officer = await firstPage(officerCtx);
    await officerLogin(officer, server.url);
    await officer.goto(`${server.url}/staff/monitor/${visit.id}`);
    assert.match(await officer.textContent('main'), /tanpa suara/);
    const got = await mediaFlows(officer, 'officer (legal)', { audio: false });
    await sleep(3000);
    const later = await received(officer);
    assert.equal(later.audioBytes, 0, `audio reached the officer: ${JSON.stringify(later)}`);
    assert.ok(later.frames > got.frames, 'video keeps flowing');

    // Audio only, one tap: the family sends no more video (a new offer, video inactive).
    await family.click('#audio-only');
    assert.equal(await family.getAttribute('#audio-only', 'aria-pressed'), 'true');
    await family.waitForFunction(() => {
      const pc = window.jengukCall && window.jengukCall.pc;
      return pc && pc.connectionState === 'connected' && pc.getTransceivers()[1].currentDirection === 'inactive';
    }, null, { timeout: 30_000 });
    await sleep(2000);
    const a = await received(officer);
    await sleep(3000);
    const b = await received(officer);
    assert.ok(b.frames - a.frames < 3, `the officer still gets the family's video: ${a.frames} → ${b.frames}`);
    await closeAll();
  });
});
