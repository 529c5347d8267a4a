// Screenshots of a live workshop: the facilitator's console and present screen at desktop
// width, and a guest participant at 360 px, through capture, themes and voting.
// Usage: node workshop-screenshots.mjs [base URL] [out dir]  (a demo-mode server must be running)
import * as fs from 'node:fs';
import { hydrated, joinAsGuest, launch, newWorkshop } from './scenes.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const out = process.argv[3] ?? '/tmp/qc-shots';
fs.mkdirSync(out, { recursive: true });
const browser = await launch();
const fac = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
const code = await newWorkshop(fac, base, 'Getting home from hospital', 'What gets in the way of going home?', (p) =>
  p.screenshot({ path: `${out}/desktop-workshop-new.png`, fullPage: true }),
);
const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
await joinAsGuest(phone, base, code, 'Ana', (p) => p.screenshot({ path: `${out}/phone-workshop-join.png`, fullPage: true }));
await fac.getByRole('button', { name: 'Start the workshop' }).click();
await phone.getByText('Idea capture · 1 of 3').waitFor();
for (const t of ['No one rang back about transport', 'Medicines take hours to arrive', 'Discharge letters arrive late']) {
  await phone.getByLabel('Your idea').fill(t);
  await phone.getByRole('button', { name: 'Post note' }).click();
  await phone.locator('.note__body', { hasText: t }).waitFor();
}
await phone.getByLabel('Your idea').fill('Nobody told my dad what his new tablets were for');
await phone.screenshot({ path: `${out}/phone-workshop-capture.png`, fullPage: true });
const present = await fac.context().newPage();
await present.goto(fac.url().replace('/run', '/present')); await hydrated(present);
await present.screenshot({ path: `${out}/desktop-workshop-present.png`, fullPage: true });
await fac.getByRole('button', { name: 'Next activity' }).click();
for (const t of ['Getting home', 'Medicines']) {
  await fac.getByLabel('New theme').fill(t);
  await fac.getByRole('button', { name: 'Add theme' }).click();
  await fac.getByRole('heading', { name: t, level: 3 }).waitFor();
}
const note = fac.locator('.note', { hasText: 'No one rang back' });
await note.getByLabel(/Theme for/).selectOption({ label: 'Getting home' });
await note.getByRole('button', { name: 'Move', exact: true }).click();
await fac.getByRole('region', { name: 'Getting home' }).locator('.note__body', { hasText: 'No one rang back' }).waitFor({ timeout: 8000 }).catch(async (e) => { await fac.screenshot({ path: out + '/debug.png', fullPage: true }); throw e; });
await fac.screenshot({ path: `${out}/desktop-workshop-console-themes.png`, fullPage: true });
await phone.screenshot({ path: `${out}/phone-workshop-themes.png`, fullPage: true });
await fac.getByRole('button', { name: 'Next activity' }).click();
await phone.getByText('Dot voting · 3 of 3').waitFor();
await phone.getByRole('button', { name: 'Add a dot to Getting home' }).click();
await phone.getByRole('button', { name: 'Add a dot to Getting home' }).click();
await fac.getByRole('button', { name: 'Start timer' }).click();
await phone.locator('.badge--timer').waitFor();
await phone.screenshot({ path: `${out}/phone-workshop-vote.png`, fullPage: true });
await fac.getByRole('button', { name: 'Reveal' }).click();
await phone.getByText('2 dots in all').waitFor();
await fac.screenshot({ path: `${out}/desktop-workshop-console-vote.png`, fullPage: true });
await fac.getByRole('button', { name: 'Finish' }).click();
await phone.getByRole('heading', { name: 'Results' }).waitFor();
await phone.screenshot({ path: `${out}/phone-workshop-results.png`, fullPage: true });
await present.screenshot({ path: `${out}/desktop-workshop-present-results.png`, fullPage: true });
await browser.close();
console.log('screenshots in', out);
