import anyTest, { type TestFn } from 'ava';
import { QueryTypes } from 'sequelize';
import { withAdmin } from './helpers/database';
import { loggedInShell, parseTsv, runOk } from './helpers/shell';
import { worldPerFile, type World } from './helpers/world';

/** The contact log, the last contact of a client, and the follow-up filter. */
const test = anyTest as TestFn<{ w: World }>;

// Days start at local midnight: in Paris (UTC+2 in summer) a local day differs from the UTC one.
process.env.TZ = 'Europe/Paris';

worldPerFile(test);

const shellOf = (w: World, email: string) => loggedInShell(w.db, w.clock, email);

test.serial("a client's last contact is its latest interaction, not its last edit", async (t) => {
  const { w } = t.context;
  const sam = await shellOf(w, 'sam@epic.test');
  await runOk(sam, 'client contact Kevin Casey --note Called about the launch --at 2026-05-20 10:00 --by phone');
  await runOk(sam, 'client contact Kevin Casey --note Lunch at the venue --at 2026-05-28 12:30 --by Meeting');
  // Logged last, but it happened first.
  await runOk(sam, 'client contact Kevin Casey --note Sent the quote --at 2026-05-10 09:00 --by email');
  t.regex(sam.stderr.text(), /Logged a contact with Kevin Casey/);
  await runOk(sam, 'client update Kevin Casey --company Casey & Co');

  const shown = JSON.parse(await runOk(sam, 'client show Kevin Casey --format json'));
  t.is(shown.lastContactAt, '2026-05-28T10:30:00.000Z');
  t.deepEqual(
    shown.recentContacts.map((c: Record<string, string>) => [c.at, c.by, c.channel, c.note]),
    [
      ['2026-05-28T10:30:00.000Z', 'Sam Sales', 'meeting', 'Lunch at the venue'],
      ['2026-05-20T08:00:00.000Z', 'Sam Sales', 'phone', 'Called about the launch'],
      ['2026-05-10T07:00:00.000Z', 'Sam Sales', 'email', 'Sent the quote'],
    ],
  );
  const table = await runOk(sam, 'client show Kevin Casey --format table');
  t.regex(table, /Last contact\s+2026-05-28 12:30/);
  t.regex(table, /Recent contacts\nWhen\s+By\s+How\s+Note\s*\n2026-05-28 12:30\s+Sam Sales\s+meeting\s+Lunch at the venue/);

  const list = parseTsv(await runOk(sam, 'client list --format tsv'));
  t.is(list.find((r) => r.fullName === 'Kevin Casey')?.lastContactAt, '2026-05-28 12:30');
  t.is(list.find((r) => r.fullName === 'Élodie Durand')?.lastContactAt, '');

  const log = parseTsv(await runOk(sam, 'client contacts Kevin Casey --format tsv'));
  t.deepEqual(log.map((r) => r.note), ['Lunch at the venue', 'Called about the launch', 'Sent the quote']);
  t.is((parseTsv(await runOk(sam, 'client contacts Kevin Casey --limit 1 --format tsv'))).length, 1);
});

test.serial('a manager logs an interaction in their own name; the log and its history say who', async (t) => {
  const { w } = t.context;
  const maud = await shellOf(w, 'maud@epic.test');
  await runOk(maud, 'client contact Élodie Durand --note Apologised for the delay');
  const [entry] = parseTsv(await runOk(maud, 'client contacts elodie durand --format tsv'));
  t.like(entry, { by: 'Maud Manager', channel: '', note: 'Apologised for the delay', at: '2026-06-01 11:00' });
  const [recorded] = await w.db.owner.query<Record<string, unknown>>(`SELECT * FROM history WHERE "recordTable" = 'client_contacts' ORDER BY id DESC LIMIT 1`, { type: QueryTypes.SELECT });
  t.like(recorded, { actorId: w.manager.id, actorName: 'Maud Manager', action: 'insert' });
  t.like((recorded.changes as Record<string, unknown>).clientId, { new: w.otherClient.id, newName: 'Élodie Durand' });
});

test.serial('an interaction in the future, an unknown channel or no note is refused', async (t) => {
  const { w } = t.context;
  const sam = await shellOf(w, 'sam@epic.test');
  t.is(await sam.run('client contact Kevin Casey --note Tomorrow --at 2026-06-01 11:30'), 1);
  t.regex(sam.stderr.text(), /at: is in the future/);
  t.is(await sam.run('client contact Kevin Casey --note Faxed --by fax'), 1);
  t.regex(sam.stderr.text(), /by: expected one of phone, email, meeting, got "fax"/);
  t.is(await sam.run('client contact Kevin Casey --by phone'), 2);
  t.regex(sam.stderr.text(), /missing --note/);
});

test.serial('--not-contacted-since counts days from local midnight (Europe/Paris)', async (t) => {
  const { w } = t.context;
  const sam = await shellOf(w, 'sam@epic.test');
  const sonia = await shellOf(w, 'sonia@epic.test');
  const prospects = async (since: string) =>
    parseTsv(await runOk(sam, `client list --not-contacted-since ${since} --format tsv`))
      .map((r) => r.fullName)
      .filter((name) => name.endsWith('Prospect'));
  // Clients never contacted are due a follow-up whatever the date.
  t.deepEqual(await prospects('2026-01-01'), ['Olivia Prospect', 'Oscar Prospect']);
  // Both on 31 May in UTC; on either side of midnight in Paris.
  await runOk(sam, 'client contact Olivia Prospect --note Late call --at 2026-05-31 23:30');
  await runOk(sonia, 'client contact Oscar Prospect --note Early call --at 2026-06-01 00:30');
  t.deepEqual(await prospects('2026-06-01'), ['Olivia Prospect']);
  t.deepEqual(await prospects('0'), ['Olivia Prospect']);
  t.deepEqual(await prospects('2026-06-01 00:31'), ['Olivia Prospect', 'Oscar Prospect']);
  t.deepEqual(await prospects('1'), []);
  // Since 31 May 00:00 in Paris: only the client last called on 28 May is due.
  const due = parseTsv(await runOk(sam, 'client list --not-contacted-since 1 --format tsv')).map((r) => r.fullName);
  t.deepEqual(due, ['Kevin Casey']);
  t.is(await sam.run('client list --not-contacted-since last week'), 1);
  t.regex(sam.stderr.text(), /not-contacted-since: "last week" is not a date/);
});

test.serial("the database keeps a client's last contact as interactions are changed, moved and deleted, without touching the client's history", async (t) => {
  const { w } = t.context;
  const sam = await shellOf(w, 'sam@epic.test');
  await runOk(sam, 'client create --name Lena Latest --email lena@latest.test --phone 0612121288');
  const lastContact = async (name: string) => JSON.parse(await runOk(sam, `client show ${name} --format json`)).lastContactAt as string | null;
  const clientHistory = async () =>
    w.db.owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM history WHERE "recordTable" = 'clients' AND "recordName" = 'Lena Latest'`, { type: QueryTypes.SELECT });
  const before = await clientHistory();
  await runOk(sam, 'client contact Lena Latest --note First call --at 2026-05-02 10:00');
  await runOk(sam, 'client contact Lena Latest --note Second call --at 2026-05-04 10:00');
  t.is(await lastContact('Lena Latest'), '2026-05-04T08:00:00.000Z');
  t.deepEqual(await clientHistory(), before, 'logging an interaction is not an edit of the client');

  // The runtime role cannot change the log; whoever can (the owner, an import) is followed.
  const owner = (sql: string) => w.db.owner.query(sql);
  await owner(`UPDATE client_contacts SET "at" = '2026-05-01T08:00:00Z' WHERE note = 'Second call'`);
  t.is(await lastContact('Lena Latest'), '2026-05-02T08:00:00.000Z');
  await runOk(sam, 'client create --name Moritz Moved --email moritz@moved.test --phone 0612121277');
  t.is(await lastContact('Moritz Moved'), null);
  await owner(`UPDATE client_contacts SET "clientId" = (SELECT id FROM clients WHERE "fullName" = 'Moritz Moved') WHERE note = 'First call'`);
  t.is(await lastContact('Lena Latest'), '2026-05-01T08:00:00.000Z');
  t.is(await lastContact('Moritz Moved'), '2026-05-02T08:00:00.000Z', 'the client it moved to');
  await owner(`DELETE FROM client_contacts WHERE note = 'Second call'`);
  t.is(await lastContact('Lena Latest'), null);
  t.deepEqual(await clientHistory(), before);
  await runOk(sam, 'client contact Lena Latest --note Third call --at 2026-05-03 10:00');
  // A client deleted with its log.
  await runOk(sam, 'client delete Lena Latest --yes');
  t.is(await sam.run('client show Lena Latest'), 1);
  t.regex(sam.stderr.text(), /no client/i);
  // The whole log emptied (as the owner, in a transaction undone after).
  await withAdmin(w.db.ownerUrl, async (c) => {
    await c.query('BEGIN');
    await c.query('TRUNCATE client_contacts');
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM clients WHERE "lastContactAt" IS NOT NULL`);
    await c.query('ROLLBACK');
    t.deepEqual(rows, [{ n: 0 }]);
  });
});

test.serial('two interactions logged at once for a client leave the later one as its last contact, whichever commits first', async (t) => {
  const { w } = t.context;
  const lastContact = async () =>
    (await w.db.owner.query<{ at: Date | null }>(`SELECT "lastContactAt" AS at FROM clients WHERE id = ${w.otherProspect.id}`, { type: QueryTypes.SELECT }))[0].at?.toISOString();
  const insert = (at: string) => `INSERT INTO client_contacts ("clientId", "collaboratorId", "at", note) VALUES (${w.otherProspect.id}, ${w.manager.id}, '${at}', 'at once')`;
  for (const [first, second] of [
    ['2026-07-10T10:00:00Z', '2026-07-10T09:00:00Z'],
    ['2026-07-11T09:00:00Z', '2026-07-11T10:00:00Z'],
  ]) {
    await withAdmin(w.db.ownerUrl, (a) =>
      withAdmin(w.db.ownerUrl, async (b) => {
        await a.query('BEGIN');
        await b.query('BEGIN');
        await a.query(insert(first));
        // Waits for the first transaction, which holds the client: until the server says so.
        const waiting = b.query(insert(second));
        const bPid = (b as unknown as { processID: number }).processID;
        for (let tries = 0; ; tries++) {
          const { rows } = await a.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [bPid]);
          if (rows[0]?.wait_event_type === 'Lock') break;
          if (tries > 100) throw new Error('the second interaction never waited for the first');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await a.query('COMMIT');
        await waiting;
        await b.query('COMMIT');
      }),
    );
    t.is(await lastContact(), [first, second].sort()[1].replace('Z', '.000Z'));
  }
});
