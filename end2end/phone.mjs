// How Q Commons loads on a mid-range phone on weak Wi-Fi: Lighthouse's mobile profile
// (1.6 Mbps down, 750 kbps up, 150 ms round trip, CPU 4× slower) through Chromium's
// DevTools protocol. For each key page, cold (nothing cached): when the HTML is on
// screen (first contentful paint), when the page is interactive (a page of plain forms
// once loaded; a page with islands once they are live: an island marks
// <body data-hydrated>), the bytes transferred in all and of WASM + JS.
//
// Usage: node phone.mjs [base URL]   (a demo-mode release server must be running)
// Prints a Markdown table and writes the figures as JSON to stdout's last line.
import { joinAsGuest, launch, newWorkshop, phone } from './scenes.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:3200';
const PROFILE = {
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
  cpu: 4,
};

const browser = await launch();

// When <body data-hydrated> first appears, in the page's own clock.
const markHydration = () => {
  const seen = () => {
    if (document.body && document.body.hasAttribute('data-hydrated') && !window.__qcHydrated) {
      window.__qcHydrated = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
};

/// Load `path` cold in a new tab of `context` under the phone profile.
async function measure(context, name, path) {
  const page = await context.newPage();
  await page.addInitScript(markHydration);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: PROFILE.latency,
    downloadThroughput: PROFILE.downloadThroughput,
    uploadThroughput: PROFILE.uploadThroughput,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PROFILE.cpu });
  const types = new Map();
  let total = 0;
  let code = 0;
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.response.mimeType));
  cdp.on('Network.loadingFinished', (e) => {
    total += e.encodedDataLength;
    const mime = types.get(e.requestId) ?? '';
    if (/wasm|javascript/.test(mime)) code += e.encodedDataLength;
  });
  await page.goto(base + path, { waitUntil: 'load' });
  const islands = (await page.locator('leptos-island').count()) > 0;
  if (islands) await page.waitForFunction(() => window.__qcHydrated, null, { timeout: 60_000 });
  const t = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    hydrated: window.__qcHydrated ?? performance.getEntriesByType('navigation')[0].loadEventEnd,
  }));
  await page.waitForTimeout(200); // let the last loadingFinished events arrive
  await page.close();
  return { name, path, html_s: t.fcp / 1000, hydrated_s: t.hydrated / 1000, total_kib: total / 1024, code_kib: code / 1024 };
}

// Set the scene at full speed: a facilitator's workshop, a guest who joined, a vote open.
const facCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const fac = await facCtx.newPage();
const code = await newWorkshop(fac, base, 'Getting home from hospital', 'What gets in the way of going home?');
const run = new URL(fac.url()).pathname;
const report = run.replace('/run', '/report');

const guestCtx = await browser.newContext(phone);
const guest = await guestCtx.newPage();
await joinAsGuest(guest, base, code, 'Ana');
await fac.getByRole('button', { name: 'Start the workshop' }).click();
await guest.getByText('Idea capture · 1 of 3').waitFor();
await guest.getByLabel('Your idea').fill('Medicines take hours to arrive');
await guest.getByRole('button', { name: 'Post note' }).click();
await guest.locator('.note__body', { hasText: 'Medicines take hours' }).waitFor();

const anonCtx = await browser.newContext(phone);
const rows = [];
rows.push(await measure(anonCtx, 'home', '/'));
rows.push(await measure(anonCtx, 'join', '/join'));
rows.push(await measure(anonCtx, 'join link (not yet joined)', `/w/${code}`));
rows.push(await measure(guestCtx, 'participant: idea capture', `/w/${code}`));
await fac.getByRole('button', { name: 'Next activity' }).click();
await fac.getByRole('button', { name: 'Next activity' }).click();
await guest.getByText('Dot voting · 3 of 3').waitFor();
rows.push(await measure(guestCtx, 'participant: dot voting', `/w/${code}`));
const facPhone = await browser.newContext(phone);
await facPhone.addCookies(await facCtx.cookies());
rows.push(await measure(facPhone, 'facilitator console', run));
rows.push(await measure(facPhone, 'report', report));
rows.push(await measure(facPhone, 'region page (signed in)', '/spaces/west-of-england'));
await browser.close();

const f = (n, d = 2) => n.toFixed(d);
console.log('| page | HTML on screen (s) | interactive (s) | transferred (KiB) | of it WASM + JS (KiB) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(`| ${r.name} | ${f(r.html_s)} | ${f(r.hydrated_s)} | ${f(r.total_kib, 1)} | ${f(r.code_kib, 1)} |`);
}
console.log(JSON.stringify(rows));
