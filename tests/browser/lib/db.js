// Running one SQL statement on a test server's database (its `databaseUrl` from startServer),
// for the few things a browser test cannot reach through the product, e.g. moving a booked
// visit's start to "in ten minutes" (families can only book from tomorrow) so that staff can
// check it in, start and complete it through the API.
//
// PostgreSQL through `psql` (already needed by lib/server.js); SQLite through the `sqlite3`
// command-line shell when it is installed, else Python's built-in sqlite3 module (busy timeout
// 10 s, so a write waits for the server's).

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

const PY_SQLITE = `
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=10)
cur = con.execute(sys.argv[2])
rows = cur.fetchall() if cur.description else []
con.commit()
for r in rows:
    print("|".join("" if v is None else str(v) for v in r))
`;

async function sqlite(path, statement) {
  try {
    const { stdout } = await execFileP('sqlite3', ['-cmd', '.timeout 10000', path, statement], { timeout: 30_000 });
    return stdout;
  } catch (err) {
    if (err.code !== 'ENOENT') throw new Error(`sqlite3 failed: ${statement}\n${err.stderr || err.message}`);
  }
  try {
    const { stdout } = await execFileP('python3', ['-c', PY_SQLITE, path, statement], { timeout: 30_000 });
    return stdout;
  } catch (err) {
    if (err.code === 'ENOENT') {
      throw new Error('neither the sqlite3 shell nor python3 is installed: one is needed to edit the SQLite test database');
    }
    throw new Error(`python3 sqlite3 failed: ${statement}\n${err.stderr || err.message}`);
  }
}

/**
 * Run one statement; resolves to its rows as arrays of strings (`|`-separated columns split).
 *
 * @param {string} databaseUrl `sqlite://PATH` or `postgres://…`
 * @param {string} statement
 * @returns {Promise<string[][]>}
 */
export async function sql(databaseUrl, statement) {
  let stdout;
  if (databaseUrl.startsWith('sqlite://')) {
    stdout = await sqlite(databaseUrl.slice('sqlite://'.length), statement);
  } else if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    try {
      ({ stdout } = await execFileP(
        'psql',
        [databaseUrl, '-X', '-q', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-c', statement],
        { timeout: 30_000 },
      ));
    } catch (err) {
      throw new Error(`psql failed: ${statement}\n${err.stderr || err.message}`);
    }
  } else {
    throw new Error(`unknown database URL: ${databaseUrl}`);
  }
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('|'));
}
