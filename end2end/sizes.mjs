// The size of what a browser downloads: every WASM and JS file of the built site, raw,
// gzip -9 and brotli -11 (as precompressed files are served).
//
// Usage: node sizes.mjs [site pkg dir] [--budget]
// With --budget, fail when the participant flow's brotli total passes the budget in
// size-budget.json (raise it there, on purpose, saying why).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const args = process.argv.slice(2);
const checkBudget = args.includes('--budget');
const dir = args.find((a) => !a.startsWith('--')) ?? path.join(import.meta.dirname, '..', 'target', 'site', 'pkg');

const kib = (n) => n / 1024;
const rows = fs
  .readdirSync(dir)
  .filter((f) => /\.(wasm|js)$/.test(f))
  .map((f) => {
    const bytes = fs.readFileSync(path.join(dir, f));
    const gzip = zlib.gzipSync(bytes, { level: 9 }).length;
    const brotli = zlib.brotliCompressSync(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length;
    return { file: f, raw: bytes.length, gzip, brotli };
  });
if (rows.length === 0) {
  console.error(`no .wasm or .js files in ${dir}: build the site first`);
  process.exit(2);
}
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
console.log('| file | raw (KiB) | gzip -9 (KiB) | brotli -11 (KiB) |');
console.log('| --- | ---: | ---: | ---: |');
for (const r of [...rows, { file: '**all**', ...total }]) {
  console.log(`| ${r.file} | ${kib(r.raw).toFixed(1)} | ${kib(r.gzip).toFixed(1)} | ${kib(r.brotli).toFixed(1)} |`);
}

if (checkBudget) {
  const budgetFile = path.join(import.meta.dirname, 'size-budget.json');
  const budget = JSON.parse(fs.readFileSync(budgetFile, 'utf8'));
  // Pages of plain forms load no WASM; the participant screen loads the one islands bundle.
  const used = kib(total.brotli);
  const allowed = budget.participant_flow_brotli_kib;
  if (used > allowed) {
    console.error(
      `\nThe participant flow now downloads ${used.toFixed(1)} KiB of WASM + JS (brotli), over its budget of ${allowed} KiB.\n` +
        `What grew, by file: ${rows.map((r) => `${r.file} ${kib(r.brotli).toFixed(1)} KiB`).join(', ')}.\n` +
        `Find the cause with scripts/phone.sh (twiggy lists the largest functions), or raise the budget on purpose in ${budgetFile} and say why in the commit.`,
    );
    process.exit(1);
  }
  console.log(`\nParticipant flow: ${used.toFixed(1)} KiB brotli of WASM + JS, within its budget of ${allowed} KiB.`);
}
