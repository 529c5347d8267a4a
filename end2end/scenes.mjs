// Shared by the scripts that drive the demo site outside the test runner
// (phone.mjs, workshop-screenshots.mjs): Chromium as this machine runs it, "ready", and
// the scene of a facilitator's new workshop with a guest who joined.
import { chromium } from '@playwright/test';

export const launch = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

export const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** Ready: loaded, and where the page has islands, once they are live (an island marks <body>). */
export async function hydrated(page) {
  await page.waitForLoadState('load');
  if ((await page.locator('leptos-island').count()) > 0) {
    await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  }
}

/**
 * Sign in as the demo facilitator and create a workshop; returns its join code.
 * `onForm(page)` runs once the empty form is ready (for a screenshot, say).
 */
export async function newWorkshop(page, base, title, prompt, onForm = async () => {}) {
  await page.goto(`${base}/sign-in`);
  await hydrated(page);
  await page.getByLabel('E-mail address').fill('hein@demo.q-commons.org');
  await page.getByLabel('Password').fill('commons-demo-2018');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('link', { name: /Signed in as/ }).waitFor();
  await page.goto(`${base}/workshops/new`);
  await hydrated(page);
  await onForm(page);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('The question for idea capture').fill(prompt);
  await page.getByRole('button', { name: 'Create the workshop' }).click();
  await page.locator('.join-line .code').waitFor();
  await hydrated(page);
  return (await page.locator('.join-line .code').innerText()).replace('-', '');
}

/** A guest joins by the workshop's link as a patient and waits for the start. */
export async function joinAsGuest(page, base, code, name, onForm = async () => {}) {
  await page.goto(`${base}/w/${code}`);
  await hydrated(page);
  await onForm(page);
  await page.getByLabel('Your name, as others will see it').fill(name);
  await page.getByLabel('I take part as').selectOption('patient');
  await page.getByRole('button', { name: 'Join the workshop' }).click();
  await page.getByText('Waiting for the facilitator').waitFor();
  await hydrated(page);
}
