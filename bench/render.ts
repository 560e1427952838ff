import { performance } from 'node:perf_hooks';
import { CLIENT_COLUMNS } from '../lib/output/columns';
import { render, type Row } from '../lib/output/render';

/**
 * Table rendering alone, in process, as the shell draws `client list` (30 rows) on a terminal of
 * 80 and 160 columns: median and 95th percentile per table over 2,000 renders after a warm-up.
 * `npm run bench:render`.
 */

const FIRST = ['Kevin', 'Élodie', 'Zoé', 'Jean-Baptiste', 'Amélie', 'Noé', 'Chloé', 'Mathis', 'Léa', 'Hugo'];
const LAST = ['Casey', 'Durand', 'Lefèvre', 'de la Fontaine', 'Nguyễn', 'Müller', 'Garçon', 'Øster', 'Martin', 'Bernard'];
const at = new Date('2026-03-01T10:00:00Z');
const rows: Row[] = Array.from({ length: 30 }, (_, i) => {
  const fullName = `${FIRST[i % 10]} ${LAST[(i * 7) % 10]}`;
  return {
    id: 1000 + i,
    fullName,
    email: `${fullName.toLowerCase().normalize('NFD').replace(/[^a-z]+/g, '.')}@client-company.example`,
    phone: `+336${String(12345670 + i)}`,
    companyName: i % 3 ? `Société ${LAST[i % 10]} & Fils` : null,
    salesContact: 'Sonia Sales',
    createdAt: at,
    updatedAt: at,
  };
});

const ITERATIONS = 2000;
for (const width of [80, 160]) {
  const target = { format: 'table' as const, color: true, truncate: true, width };
  for (let i = 0; i < 200; i++) render({ kind: 'list', columns: CLIENT_COLUMNS, rows, total: 30 }, target);
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    render({ kind: 'list', columns: CLIENT_COLUMNS, rows, total: 30 }, target);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const ms = (q: number) => times[Math.floor(q * (times.length - 1))].toFixed(3);
  console.log(`30-row client table at ${width} columns: p50 ${ms(0.5)} ms, p95 ${ms(0.95)} ms`);
}
