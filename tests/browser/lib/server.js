// Starting and stopping a real `jenguk` server for browser tests.
//
// Contract with the binary (crates/app):
//   `jenguk demo --listen 127.0.0.1:0 --database <url>` seeds the demo data, then prints ONE line
//   on stdout containing `listening on http://127.0.0.1:<port>` (case-insensitive; ANSI colour
//   codes are ignored) once the socket accepts connections, and on SIGTERM shuts down gracefully
//   and exits with code 0.
//
// Environment:
//   JENGUK_BIN            the binary (default: <repo>/target/debug/jenguk)
//   JENGUK_TEST_START_TIMEOUT_MS  how long to wait for the listening line (default 120000)
//   JENGUK_TEST_POSTGRES  when set (e.g. postgres://postgres@127.0.0.1:5432/postgres), each server
//                         gets a fresh database created through it with psql, dropped at stop();
//                         otherwise a SQLite file in a fresh temporary directory.

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const START_TIMEOUT_MS = Number(process.env.JENGUK_TEST_START_TIMEOUT_MS) || 120_000;
const STOP_TIMEOUT_MS = 10_000;
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/i;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/** Every server started and not yet stopped, killed if the test process exits early. */
const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function jengukBin() {
  const bin = process.env.JENGUK_BIN
    ? resolve(process.env.JENGUK_BIN)
    : join(REPO_ROOT, 'target', 'debug', 'jenguk');
  if (!existsSync(bin)) {
    throw new Error(`jenguk binary not found at ${bin} (build it, or set JENGUK_BIN)`);
  }
  return bin;
}

async function psql(adminUrl, sql) {
  try {
    await execFileP('psql', [adminUrl, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      timeout: 60_000,
    });
  } catch (err) {
    throw new Error(`psql failed: ${sql}\n${err.stderr || err.message}`);
  }
}

/** A database URL like `adminUrl` but naming database `name`. */
function withDatabase(adminUrl, name) {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Start `jenguk demo` (or `jenguk serve` with `demo: false`) on a free loopback port with a fresh
 * database.
 *
 * @param {object} [options]
 * @param {boolean} [options.demo=true] run `demo` (seeded demo data) rather than `serve`
 * @param {string[]} [options.args] extra command-line arguments
 * @param {Record<string,string>} [options.env] extra environment variables
 * @returns {Promise<{url: string, databaseUrl: string, stdout: string[], stderr: string[],
 *   output: () => string, stop: () => Promise<{code: number|null, signal: string|null}>,
 *   kill: () => Promise<void>}>}
 */
export async function startServer({ demo = true, args = [], env = {} } = {}) {
  const bin = jengukBin();
  const tmp = await mkdtemp(join(tmpdir(), 'jenguk-browser-'));

  let databaseUrl;
  let dropDatabase = async () => {};
  const adminUrl = process.env.JENGUK_TEST_POSTGRES;
  if (adminUrl) {
    const name = `jenguk_browser_${randomBytes(6).toString('hex')}`;
    await psql(adminUrl, `CREATE DATABASE ${name}`);
    databaseUrl = withDatabase(adminUrl, name);
    let dropped;
    dropDatabase = () => (dropped ??= psql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  } else {
    databaseUrl = `sqlite://${join(tmp, 'jenguk.db')}`;
  }

  const cleanup = async () => {
    await dropDatabase();
    await rm(tmp, { recursive: true, force: true });
  };

  const argv = [demo ? 'demo' : 'serve', '--listen', '127.0.0.1:0', '--database', databaseUrl, ...args];
  const child = spawn(bin, argv, {
    cwd: tmp,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);

  const stdout = [];
  const stderr = [];
  const output = () =>
    [`$ ${bin} ${argv.join(' ')}`, '--- stdout ---', ...stdout, '--- stderr ---', ...stderr].join('\n');

  const exited = new Promise((res) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      res({ code, signal });
    });
  });
  let spawnError;
  child.on('error', (err) => {
    spawnError = err;
  });

  let onListening;
  const listening = new Promise((res) => {
    onListening = res;
  });
  const collect = (stream, lines, name) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(ANSI, '').replace(/\r$/, '');
        buf = buf.slice(i + 1);
        lines.push(line);
        if (process.env.JENGUK_TEST_VERBOSE) process.stderr.write(`[jenguk ${name}] ${line}\n`);
        const m = LISTENING.exec(line);
        if (m) onListening(m[1]);
      }
    });
    stream.on('end', () => {
      if (buf) lines.push(buf.replace(ANSI, ''));
    });
  };
  // The contract is stdout; stderr is accepted too, so a log line there still works.
  collect(child.stdout, stdout, 'stdout');
  collect(child.stderr, stderr, 'stderr');

  let timer;
  const timeout = new Promise((res) => {
    timer = setTimeout(() => res('timeout'), START_TIMEOUT_MS);
  });
  const first = await Promise.race([
    listening.then((url) => ({ url })),
    exited.then((status) => ({ status })),
    timeout.then(() => ({ timeout: true })),
  ]);
  clearTimeout(timer);

  if (!first.url) {
    if (running.has(child)) {
      child.kill('SIGKILL');
      await exited;
    }
    await cleanup();
    const why = first.timeout
      ? `did not print "listening on http://127.0.0.1:<port>" within ${START_TIMEOUT_MS / 1000} s`
      : `exited before listening (code ${first.status.code}, signal ${first.status.signal})` +
        (spawnError ? `: ${spawnError.message}` : '');
    throw new Error(`jenguk ${why}\n${output()}`);
  }

  let stopping;
  /** SIGTERM, wait up to 10 s for the exit; rejects (failing the test) if it does not exit. */
  const stop = () =>
    (stopping ??= (async () => {
      try {
        if (running.has(child)) child.kill('SIGTERM');
        let t;
        const result = await Promise.race([
          exited,
          new Promise((res) => {
            t = setTimeout(() => res(null), STOP_TIMEOUT_MS);
          }),
        ]);
        clearTimeout(t);
        if (result === null) {
          child.kill('SIGKILL');
          await exited;
          throw new Error(`jenguk did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM\n${output()}`);
        }
        return result;
      } finally {
        await cleanup();
      }
    })());

  /** Kill at once and clean up; for `after` hooks, safe to call after stop(). */
  const kill = async () => {
    if (running.has(child)) child.kill('SIGKILL');
    await exited;
    await (stopping ?? cleanup()).catch(() => {});
  };

  return { url: first.url, databaseUrl, stdout, stderr, output, stop, kill, process: child };
}
