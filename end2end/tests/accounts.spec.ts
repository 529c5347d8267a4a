import { expect, test } from '@playwright/test';
import { PASSWORD, expectAccessible, hydrated, linkFromOutbox, register, signIn, uniqueEmail } from './helpers';

test('register, sign out, sign in and see your name', async ({ page }) => {
  const email = uniqueEmail('ada');
  await page.goto('/');
  await expectAccessible(page);
  await register(page, 'Ada Okonjo', email);
  await expect(page.getByText('Welcome back, Ada Okonjo.')).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Signed in as/ })).toHaveCount(0);

  await signIn(page, email);
  await expect(page.getByRole('link', { name: 'Signed in as Ada Okonjo' })).toBeVisible();
  await expectAccessible(page);
});

test('a wrong password gets a clear message next to the field', async ({ page }) => {
  const email = uniqueEmail('wrong');
  await register(page, 'Wren Wrong', email);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Sign in' })).toBeVisible();

  await signIn(page, email, 'not the password at all');
  const password = page.getByLabel('Password');
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#field-password-error')).toHaveText(/do not match an account/);
  await expect(page.getByRole('link', { name: /Signed in as/ })).toHaveCount(0);
  await expectAccessible(page);
});

test('a duplicate e-mail address gets a clear message and changes nothing', async ({ page, browser }) => {
  const email = uniqueEmail('dup');
  await register(page, 'First Person', email);

  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto('/register');
  await hydrated(other);
  await other.getByLabel('Your name').fill('Second Person');
  await other.getByLabel('E-mail address').fill(email.toUpperCase());
  await other.getByLabel('Password', { exact: true }).fill('another long password');
  await other.getByRole('button', { name: 'Create account' }).click();
  await expect(other.locator('#field-email-error')).toHaveText(/already exists/);
  await expect(other.getByLabel('E-mail address')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(other);

  // The first account still signs in with its own password.
  await signIn(other, email);
  await expect(other.getByRole('link', { name: 'Signed in as First Person' })).toBeVisible();
  await context.close();
});

test('empty and malformed input is refused, every field at once', async ({ page }) => {
  await page.goto('/register');
  await hydrated(page);
  await page.getByLabel('E-mail address').fill('not-an-address');
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('#field-name-error')).toHaveText('Enter your name.');
  await expect(page.locator('#field-email-error')).toHaveText(/like name@example.org/);
  await expect(page.locator('#field-password-error')).toHaveText(/at least 10 characters/);
  await expect(page.getByLabel('Your name')).toHaveAttribute('aria-describedby', 'field-name-error');
  await expectAccessible(page);

  await page.getByLabel('Your name').fill('Mo Malformed');
  await page.getByLabel('E-mail address').fill(uniqueEmail('mo'));
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('link', { name: 'Signed in as Mo Malformed' })).toBeVisible();
});

test.describe('with JavaScript disabled', () => {
  // axe-core runs as JavaScript in the page, so it cannot scan here; the same pages
  // are scanned with JavaScript on in the other tests.
  test.use({ javaScriptEnabled: false });

  test('registering and a wrong sign-in still work as plain forms', async ({ page }) => {
    const email = uniqueEmail('nojs');
    await page.goto('/register');
    await page.getByLabel('Your name').fill('Noor Script');
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('link', { name: 'Signed in as Noor Script' })).toBeVisible();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Sign in' })).toBeVisible();

    await page.goto('/sign-in');
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.locator('#field-password-error')).toHaveText(/do not match an account/);
  });
});

test('sign in with a link sent by e-mail', async ({ page }) => {
  const email = uniqueEmail('link');
  await register(page, 'Lin Link', email);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Sign in' })).toBeVisible();

  await page.goto('/sign-in-link');
  await hydrated(page);
  await expectAccessible(page);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByRole('status')).toContainText('a sign-in link is on its way');

  const link = await linkFromOutbox(page, email, '/sign-in-link/use');
  await expectAccessible(page);
  await page.goto(link);
  await hydrated(page);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Sign in' }).last().click();
  await expect(page.getByRole('link', { name: 'Signed in as Lin Link' })).toBeVisible();

  // The link works once.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.goto(link);
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign in' }).last().click();
  await expect(page.getByRole('alert')).toContainText('expired or has already been used');
});

test('reset a forgotten password, then change it', async ({ page }) => {
  const email = uniqueEmail('reset');
  await register(page, 'Rae Reset', email);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Sign in' })).toBeVisible();

  await page.goto('/forgot-password');
  await hydrated(page);
  await expectAccessible(page);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByRole('status')).toContainText('choose a new password is on its way');

  await page.goto(await linkFromOutbox(page, email, '/reset-password'));
  await hydrated(page);
  await expectAccessible(page);
  await page.getByLabel('New password').fill('my brand new password');
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(page.getByRole('status')).toContainText('Your new password is saved');
  await expect(page.getByRole('link', { name: 'Signed in as Rae Reset' })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill('yet another password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('#field-current_password-error')).toHaveText(/not right/);

  await page.getByLabel('Current password').fill('my brand new password');
  await page.getByLabel('New password').fill('yet another password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/password_changed=1/);
  await expect(page.getByRole('status')).toContainText('Your new password is saved');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Sign in' })).toBeVisible();
  await signIn(page, email, 'yet another password');
  await expect(page.getByRole('link', { name: 'Signed in as Rae Reset' })).toBeVisible();
});

test('the demo community shows its regions and conveners', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'West of England' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'South West' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'North East and North Cumbria' })).toBeVisible();
  await expect(page.getByText('Hein le Roux')).toBeVisible();
  await expect(page.getByText('AHSN North East and North Cumbria')).toBeVisible();
});

test('a demo account signs in with the printed password', async ({ page }) => {
  await signIn(page, 'helen@demo.q-commons.org', 'commons-demo-2018');
  await expect(page.getByRole('link', { name: 'Signed in as Helen Smith' })).toBeVisible();
});

test('an unknown page says so, with status 404, in the app style', async ({ page }) => {
  await register(page, 'Nora Notfound', uniqueEmail('nora'));
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'We could not find that page' })).toBeVisible();
  await expect(page.getByRole('banner')).toBeVisible();
  // The header still knows who is signed in.
  await expect(page.getByRole('link', { name: 'Signed in as Nora Notfound' })).toBeVisible();
  await expectAccessible(page);
});

test('server functions refuse cross-site requests', async ({ request }) => {
  const refused = await request.post('/api/sign_out', {
    headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
  });
  expect(refused.status()).toBe(403);
  const allowed = await request.post('/api/sign_out', {
    headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect(allowed.status()).toBeLessThan(400);
});

test('the app can be installed on a phone', async ({ request }) => {
  const manifest = await (await request.get('/manifest.webmanifest')).json();
  expect(manifest.name).toBe('Q Commons');
  expect(manifest.icons.some((i: { sizes: string }) => i.sizes === '512x512')).toBe(true);
  expect((await request.get('/icons/icon-192.png')).status()).toBe(200);
});
