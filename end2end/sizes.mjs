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

// What each page loads. The islands every page may need are in the main WASM and JS (with
// the split loader they import); the facilitator's console, the present screen and the
// live tally are lazy islands (#[island(lazy)], `cargo leptos build --split`), and the
// later workshop activities (grouping, prioritise, poll, reflection) a split function
// (app/src/ui/workshop/later.rs), and so is the reader of outboxes that earlier versions
// kept on a phone (legacy.rs): their code is in split modules and shared chunks,
// fetched only by a page that shows them, as the split manifest lists.
const manifestFile = fs.readdirSync(dir).find((f) => /^__wasm_split_manifest\..*json$/.test(f));
const manifest = manifestFile ? JSON.parse(fs.readFileSync(path.join(dir, manifestFile), 'utf8')) : {};
const stem = (f) => f.replace(/\.(wasm|js)$/, '');
const lazyFiles = new Set(Object.values(manifest).flat());
const base = rows.filter((r) => !lazyFiles.has(stem(r.file)));
const sum = (rs) => rs.reduce((t, r) => t + r.brotli, 0);
const baseBrotli = sum(base);
const pages = [
  { page: 'participant flow (join, idea capture, dot voting)', brotli: baseBrotli },
  ...Object.entries(manifest).map(([module, files]) => ({
    page: `with ${module.replace(/_loader_\d+$/, '').replace(/_/g, ' ')}`,
    brotli: baseBrotli + sum(rows.filter((r) => files.includes(stem(r.file)))),
  })),
];
console.log('\n| what a page loads | brotli (KiB) |');
console.log('| --- | ---: |');
for (const p of pages) console.log(`| ${p.page} | ${kib(p.brotli).toFixed(1)} |`);

if (checkBudget) {
  const budgetFile = path.join(import.meta.dirname, 'size-budget.json');
  const budget = JSON.parse(fs.readFileSync(budgetFile, 'utf8'));
  const fail = (what, used, allowed, files) => {
    console.error(
      `\n${what} now downloads ${used.toFixed(1)} KiB of WASM + JS (brotli), over its budget of ${allowed} KiB.\n` +
        `What it loads, by file: ${files.map((r) => `${r.file} ${kib(r.brotli).toFixed(1)} KiB`).join(', ')}.\n` +
        `Find the cause with scripts/phone.sh (twiggy lists the largest functions), or raise the budget on purpose in ${budgetFile} and say why in the commit.`,
    );
    process.exit(1);
  };
  const used = kib(baseBrotli);
  if (used > budget.participant_flow_brotli_kib) fail('The participant flow', used, budget.participant_flow_brotli_kib, base);
  for (const p of pages) {
    if (kib(p.brotli) > budget.any_page_brotli_kib) fail(`A page ${p.page}`, kib(p.brotli), budget.any_page_brotli_kib, rows);
  }
  console.log(
    `\nParticipant flow: ${used.toFixed(1)} KiB brotli of WASM + JS, within its budget of ${budget.participant_flow_brotli_kib} KiB; ` +
      `no page over ${budget.any_page_brotli_kib} KiB.`,
  );
}
