// The home page of the demo server, on a small phone screen.
//
// The browser is an Indonesian phone (locale id-ID, so Accept-Language: id-ID): the server
// negotiates the language from Accept-Language, and `?lang=` overrides it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axeCheck, firstPage, formatViolations, launch } from './lib/browser.js';
import { startServer } from './lib/server.js';

describe('home page (demo server, 360×640)', { timeout: 300_000 }, () => {
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

  it('answers 200 in Indonesian and lists the demo facility', async () => {
    const response = await page.goto(`${server.url}/`);
    assert.ok(response, 'no response for /');
    assert.equal(response.status(), 200);
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute('lang')), 'id');
    const text = await page.evaluate(() => document.body.innerText);
    assert.ok(
      text.includes('Rutan Kelas IIB Serang'),
      `the home page does not mention the demo facility "Rutan Kelas IIB Serang"; its text:\n${text}`,
    );
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    const violations = await axeCheck(page);
    assert.equal(violations.length, 0, `axe-core found:\n${formatViolations(violations)}`);
  });

  it('switches to English with ?lang=en', async () => {
    const response = await page.goto(`${server.url}/?lang=en`);
    assert.ok(response, 'no response for /?lang=en');
    assert.equal(response.status(), 200);
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute('lang')), 'en');
  });

  it('shuts down gracefully on SIGTERM (exit code 0)', async () => {
    await context.close();
    const { code, signal } = await server.stop();
    assert.equal(signal, null, `jenguk was ended by ${signal}\n${server.output()}`);
    assert.equal(code, 0, `jenguk exited with code ${code}\n${server.output()}`);
  });
});
