// A fake WhatsApp Cloud (Graph) API for browser tests: point `JENGUK_WHATSAPP_API_BASE` at
// `fake.url` and every message Jenguk sends lands here.
//
// It answers `POST /{version}/{phone_number_id}/messages` with
//   200 {"messaging_product":"whatsapp","messages":[{"id":"wamid.N"}]}
// and records the JSON body (with the path, the Authorization header and the id given), so a
// test can wait for a message and read the login code or the visit code out of it. Anything
// else (another path or method, a body that is not JSON) gets a 400 with a Graph-style error and
// is recorded in `refused`.

import { createServer } from 'node:http';

const MESSAGES_PATH = /^\/([^/]+)\/([^/]+)\/messages$/;

/**
 * Start the fake on 127.0.0.1 and a free port.
 *
 * @returns {Promise<{
 *   url: string,
 *   messages: Array<{id: string, path: string, version: string, phoneNumberId: string,
 *     authorization: string|undefined, body: any, at: number}>,
 *   refused: Array<{method: string, path: string, reason: string}>,
 *   waitForMessage: (predicate?: (m: any) => boolean, timeoutMs?: number) => Promise<any>,
 *   close: () => Promise<void>,
 * }>}
 */
export async function startFakeGraph() {
  const messages = [];
  const refused = [];
  const waiters = new Set();
  let next = 0;

  const refuse = (res, req, status, reason) => {
    refused.push({ method: req.method, path: req.url, reason });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: reason, type: 'OAuthException', code: 100 } }));
  };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url, 'http://fake').pathname;
      const m = MESSAGES_PATH.exec(path);
      if (req.method !== 'POST' || !m) return refuse(res, req, 400, `unexpected ${req.method} ${path}`);
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        return refuse(res, req, 400, `body is not JSON: ${err.message}`);
      }
      next += 1;
      const id = `wamid.${next}`;
      const record = {
        id,
        path,
        version: m[1],
        phoneNumberId: m[2],
        authorization: req.headers.authorization,
        body,
        at: Date.now(),
      };
      messages.push(record);
      for (const w of [...waiters]) w.check(record);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id }] }));
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  /**
   * The first recorded message (already received or still to come) for which `predicate`
   * returns true; rejects after `timeoutMs` with the list of what was received.
   */
  const waitForMessage = (predicate = () => true, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      const found = messages.find((msg) => safe(predicate, msg));
      if (found) return resolve(found);
      const w = {
        check(msg) {
          if (!safe(predicate, msg)) return;
          clearTimeout(w.timer);
          waiters.delete(w);
          resolve(msg);
        },
        timer: setTimeout(() => {
          waiters.delete(w);
          reject(
            new Error(
              `the fake WhatsApp API received no matching message within ${timeoutMs} ms; ` +
                `received ${messages.length}:\n` +
                messages.map((msg) => `  ${msg.id} ${JSON.stringify(msg.body)}`).join('\n') +
                (refused.length ? `\nrefused:\n${refused.map((r) => `  ${JSON.stringify(r)}`).join('\n')}` : ''),
            ),
          );
        }, timeoutMs),
      };
      waiters.add(w);
    });

  const close = () =>
    new Promise((resolve) => {
      for (const w of waiters) clearTimeout(w.timer);
      waiters.clear();
      server.closeAllConnections?.();
      server.close(() => resolve());
    });

  return { url: `http://127.0.0.1:${port}`, messages, refused, waitForMessage, close };
}

function safe(predicate, msg) {
  try {
    return Boolean(predicate(msg));
  } catch {
    return false;
  }
}

/** The message body as sent (accepts a record from the fake or a raw body). */
function bodyOf(message) {
  return message && typeof message === 'object' && 'body' in message && message.body?.messaging_product
    ? message.body
    : message;
}

/** The recipient's digits (`to`), e.g. "6281277771234". */
export function recipient(message) {
  return bodyOf(message)?.to;
}

/** The template's name, or undefined for a text or interactive message. */
export function templateName(message) {
  const b = bodyOf(message);
  return b?.type === 'template' ? b.template?.name : undefined;
}

/** The template's body parameters as strings (empty for other messages). */
export function templateParams(message) {
  const b = bodyOf(message);
  if (b?.type !== 'template') return [];
  const body = (b.template?.components ?? []).find((c) => c.type === 'body');
  return (body?.parameters ?? []).map((p) => p.text);
}

/** All the text a family would read in a message: the text body, the template's parameters,
 * or an interactive message's body, buttons and rows, joined by newlines. */
export function messageText(message) {
  const b = bodyOf(message);
  if (!b) return '';
  if (b.type === 'text') return b.text?.body ?? '';
  if (b.type === 'template') return [b.template?.name ?? '', ...templateParams(b)].join('\n');
  if (b.type === 'interactive') {
    const i = b.interactive ?? {};
    const parts = [i.body?.text ?? ''];
    for (const btn of i.action?.buttons ?? []) parts.push(btn.reply?.title ?? '');
    for (const s of i.action?.sections ?? []) for (const r of s.rows ?? []) parts.push(r.title ?? '', r.description ?? '');
    return parts.join('\n');
  }
  return JSON.stringify(b);
}

/** Whether the message is a login code (template `jenguk_login_code`, or a text with the
 * login-code wording in Indonesian or English). */
export function isLoginCode(message) {
  const b = bodyOf(message);
  if (templateName(b) === 'jenguk_login_code') return true;
  return b?.type === 'text' && /kode masuk|login code/i.test(b.text?.body ?? '');
}

/**
 * The login code in a message: the first body parameter of template `jenguk_login_code`, or
 * the first run of 4–8 digits in a text message's body. Undefined if there is none.
 */
export function loginCode(message) {
  const b = bodyOf(message);
  if (templateName(b) === 'jenguk_login_code') {
    const code = templateParams(b)[0];
    return code ? code.trim() : undefined;
  }
  if (b?.type === 'text') {
    const m = /\b(\d{4,8})\b/.exec(b.text?.body ?? '');
    return m ? m[1] : undefined;
  }
  return undefined;
}
