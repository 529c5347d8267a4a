// Screenshots of the main screens at desktop and 360 px phone width, for looking at them.
// Usage: node screenshots.mjs [base URL] [out dir]  (a demo-mode server must be running)
import { chromium } from '@playwright/test';
import * as fs from 'node:fs';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const out = process.argv[3] ?? '/tmp/qc-shots';
fs.mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
for (const [label, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 360, height: 740 }]]) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const shot = async (name) => page.screenshot({ path: `${out}/${label}-${name}.png`, fullPage: true });
  await page.goto(`${base}/`); await shot('home');
  await page.goto(`${base}/register`);
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await page.getByLabel('E-mail address').fill('not-an-address');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('.field__error').first().waitFor();
  await shot('register-error');
  await page.goto(`${base}/sign-in`);
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await page.getByLabel('E-mail address').fill('helen@demo.q-commons.org');
  await page.getByLabel('Password').fill('commons-demo-2018');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('link', { name: /Signed in as/ }).waitFor();
  await shot('home-signed-in');
  await page.goto(`${base}/account`); await shot('account');
  await page.goto(`${base}/nope`); await shot('not-found');
  await context.close();
}
await browser.close();
console.log(`screenshots in ${out}`);
