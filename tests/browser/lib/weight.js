// Page weight through the DevTools protocol, and a reflow check for zoomed text.

/**
 * Load `url` in a fresh page of `context` (cookies shared, HTTP cache disabled) and count what
 * crossed the network until the load settled: `encodedDataLength` of every
 * `Network.loadingFinished` (headers and compressed bodies, as transferred), plus redirects.
 * The page is returned open, for further checks; close it when done.
 *
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} url
 * @param {{ viewport?: {width: number, height: number} }} [options]
 * @returns {Promise<{ page: import('playwright-core').Page, status: number|undefined,
 *   finalUrl: string, bytes: number, decodedBytes: number,
 *   requests: Array<{url: string, type: string, status: number|undefined, bytes: number,
 *     failed?: string}> }>}
 */
export async function loadAndWeigh(context, url, { viewport } = {}) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const cdp = await context.newCDPSession(page);
  const requests = new Map();
  let redirectBytes = 0;
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.redirectResponse) redirectBytes += e.redirectResponse.encodedDataLength ?? 0;
    requests.set(e.requestId, { url: e.request.url, type: e.type ?? '', status: undefined, bytes: 0, decoded: 0 });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.status = e.response.status;
  });
  cdp.on('Network.dataReceived', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.decoded += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.failed = e.errorText;
  });
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });

  const response = await page.goto(url, { waitUntil: 'load' });
  // Whatever the page pulls in after `load` (images, fonts, a favicon) counts too.
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
  await cdp.detach().catch(() => {});

  const list = [...requests.values()];
  return {
    page,
    status: response?.status(),
    finalUrl: page.url(),
    bytes: list.reduce((n, r) => n + r.bytes, 0) + redirectBytes,
    decodedBytes: list.reduce((n, r) => n + r.decoded, 0),
    requests: list.map(({ url: u, type, status, bytes, failed }) => ({ url: u, type, status, bytes, failed })),
  };
}

/**
 * Elements sticking out of the viewport sideways (beyond `tolerance` CSS pixels), after every
 * `<details>` is opened so its content is laid out. Also the document's scroll width.
 *
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{viewport: number, scrollWidth: number,
 *   overflowing: Array<{element: string, left: number, right: number, text: string}>}>}
 */
export async function horizontalOverflow(page, tolerance = 2) {
  return page.evaluate((tol) => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    const vw = document.documentElement.clientWidth;
    const overflowing = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.right > vw + tol || r.left < -tol) {
        const cls = el.getAttribute('class');
        overflowing.push({
          element: el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') + (cls ? `.${cls.replace(/\s+/g, '.')}` : ''),
          left: Math.round(r.left),
          right: Math.round(r.right),
          text: (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60),
        });
      }
    }
    return { viewport: vw, scrollWidth: document.documentElement.scrollWidth, overflowing };
  }, tolerance);
}

/** A plain-text table: `rows` are arrays of cells; numbers are right-aligned. */
export function formatTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r, raw) =>
    r.map((c, i) => (typeof raw[i] === 'number' ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(all[0], header), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map((r, i) => line(r, rows[i]))].join('\n');
}
