// Visits made straight in the database for the call and monitor tests: families can only
// book from tomorrow, and these tests need a call that starts now.

import { sql } from './db.js';

/** Unix seconds now. */
export const nowSecs = () => Math.floor(Date.now() / 1000);

/** A random visit code, `XXXX-XXXX` in Crockford base 32. */
export function randomCode() {
  const a = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let s = '';
  for (let i = 0; i < 8; i++) s += a[Math.floor(Math.random() * 32)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/**
 * A visit at RUTAN-SERANG's booth `booth` (1-based) from `startIn` s, `len` s long, of the
 * facility's first inmate and the first visitor.
 * @returns {Promise<{id: number, code: string}>}
 */
export async function makeVisit(server, { startIn, len, booth = 1, status = 'booked', kind = 'family' }) {
  const code = randomCode().replace('-', '');
  const start = nowSecs() + startIn;
  const fid = `(SELECT id FROM facilities WHERE code = 'RUTAN-SERANG')`;
  await sql(
    server.databaseUrl,
    `INSERT INTO visits (facility_id, code, inmate_id, visitor_id, kind, start_at, end_at, booth_id, people, status, channel, created_at, updated_at)
     SELECT ${fid}, '${code}', (SELECT MIN(id) FROM inmates WHERE facility_id = ${fid}), (SELECT MIN(id) FROM visitors), '${kind}',
       ${start}, ${start + len}, (SELECT id FROM booths WHERE facility_id = ${fid} ORDER BY id LIMIT 1 OFFSET ${booth - 1}), 1, '${status}', 'staff', ${nowSecs()}, ${nowSecs()}`,
  );
  const [[id]] = await sql(server.databaseUrl, `SELECT id FROM visits WHERE code = '${code}'`);
  return { id: Number(id), code: `${code.slice(0, 4)}-${code.slice(4)}` };
}
