import { expect, test } from '@playwright/test';
import { desktop, expectAccessible, hydrated, person, phone } from './helpers';

// What a stranger meets: a finished workshop's join page takes no one new, a request too
// large is refused in words, and every page runs under a strict Content-Security-Policy.

async function shot(page: import('@playwright/test').Page, name: string) {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `../target/screenshots/${name}.png`, fullPage: true });
}

test('a finished workshop takes no one new, and its join page says so plainly', async ({ browser }) => {
  const hein = (await person(browser, desktop, 'hein@demo.q-commons.org')).page;
  await hein.goto('/workshops/new');
  await hydrated(hein);
  const title = `Closed door ${Date.now().toString(36)}`;
  await hein.getByLabel('Title').fill(title);
  await hein.getByLabel('The question for idea capture').fill('What helps?');
  await hein.getByRole('button', { name: 'Create the workshop' }).click();
  await expect(hein.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await hydrated(hein);
  const code = (await hein.locator('.join-line a').first().getAttribute('href'))!.split('/w/')[1];

  // Someone joins while it runs, agreeing to be named in the report.
  const ana = (await person(browser, phone)).page;
  await ana.goto(`/w/${code}`);
  await hydrated(ana);
  await ana.getByLabel('Your name, as others will see it').fill('Ana');
  await ana.getByLabel('I take part as').selectOption({ label: 'Patient' });
  await ana.getByLabel(/Name me in the workshop's report/).check();
  await ana.getByRole('button', { name: 'Join the workshop' }).click();
  await expect(ana.getByText('Waiting for the facilitator to start')).toBeVisible();

  await hein.getByRole('button', { name: 'Start the workshop' }).click();
  await hein.getByRole('button', { name: 'Next activity' }).click();
  await hein.getByRole('button', { name: 'Next activity' }).click();
  await hein.getByRole('button', { name: 'Finish' }).click();
  await expect(hein.getByText('Finished', { exact: true }).first()).toBeVisible();

  // A latecomer with the code on their phone.
  const late = (await person(browser, phone)).page;
  await late.goto(`/w/${code}`);
  await expect(late.getByText('This workshop has finished, so it no longer takes new participants.')).toBeVisible();
  await expect(late.getByRole('button', { name: 'Join the workshop' })).toHaveCount(0);
  await hydrated(late);
  await expectAccessible(late);
  await shot(late, 'finished-join-phone');
  // The code alone opens no report and no records.
  const id = hein.url().match(/workshops\/(\d+)\/run/)![1];
  expect([401, 403]).toContain((await late.request.get(`/workshops/${id}/report.csv`)).status());
  await late.goto(`/workshops/${id}/report`);
  await expect(late.getByText(/Please sign in to do that|You do not have permission/)).toBeVisible();
  // The one who took part still reads the report.
  await ana.goto(`/workshops/${id}/report`);
  await expect(ana.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(ana.getByRole('link', { name: /raw records/ })).toHaveCount(0);
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('a request too large is refused in words and changes nothing', async ({ page }) => {
    await page.goto('/register');
    // Far more than any form needs (a bot, or a paste gone wrong).
    await page.getByLabel('Your name').evaluate((el, v) => {
      el.removeAttribute('maxlength');
      (el as HTMLInputElement).value = v;
    }, 'x'.repeat(100 * 1024));
    await page.getByLabel('E-mail address').fill('too-large@example.org');
    await page.getByLabel('Password', { exact: true }).fill('a long enough password');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/register')),
      page.getByRole('button', { name: 'Create account' }).click(),
    ]);
    expect(response.status()).toBe(413);
    await expect(page.getByText('That was too much to send at once')).toBeVisible();
    await shot(page, 'too-large');
    // Nothing was created: signing in with that address fails as for anyone unknown.
    await page.goto('/sign-in');
    await page.getByLabel('E-mail address').fill('too-large@example.org');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.locator('#field-password-error')).toHaveText(/do not match an account/);
  });
});

test('every response carries the security headers, and pages run under the policy', async ({ page, request }) => {
  // The stylesheet's name carries its content hash: take it from the page.
  const css = (await (await request.get('/')).text()).match(/href="(\/pkg\/qcommons\.[^"]+\.css)"/)?.[1];
  expect(css, 'a hashed stylesheet link').toBeTruthy();
  const sheet = await request.get(css!);
  expect(sheet.status()).toBe(200);
  expect(sheet.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  for (const path of ['/', '/join', css!, '/api/session']) {
    const res = path.startsWith('/api') ? await request.post(path, { headers: { 'Sec-Fetch-Site': 'same-origin' } }) : await request.get(path);
    const h = res.headers();
    expect(h['content-security-policy'], path).toContain("frame-ancestors 'none'");
    expect(h['content-security-policy'], path).toContain("'wasm-unsafe-eval'");
    expect(h['x-content-type-options'], path).toBe('nosniff');
    expect(h['referrer-policy'], path).toBe('same-origin');
  }
  // A page's policy names the nonce of its own hydration script, and nothing else runs.
  const join = await request.get('/join');
  const nonce = (await join.text()).match(/<script[^>]*nonce="([^"]+)"/)?.[1];
  expect(nonce).toBeTruthy();
  expect(join.headers()['content-security-policy']).toContain(`'nonce-${nonce}'`);
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  await page.goto('/join');
  await hydrated(page);
  await page.goto('/');
  await hydrated(page);
  expect(violations).toEqual([]);
});
