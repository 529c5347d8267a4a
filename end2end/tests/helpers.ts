import AxeBuilder from '@axe-core/playwright';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

/** Scan the page as it is now with axe-core for WCAG 2.0/2.1/2.2 A and AA. */
export async function expectAccessible(page: Page) {
  // Scan the page as people see it: with the stylesheet applied (a navigation can leave a
  // moment without it, when every link is a bare inline box).
  await page.waitForFunction(() => {
    const link = document.querySelector('.site-nav a');
    return !link || getComputedStyle(link).minHeight === '44px';
  });
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'])
    .analyze();
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(found, `axe-core violations on ${page.url()}`).toEqual([]);
}

/**
 * Wait until the page is ready to use: loaded, and where it has interactive islands, until
 * the WASM has brought them to life (an island marks <body>). A page of plain forms needs
 * no WASM at all.
 */
export async function hydrated(page: Page) {
  await page.waitForLoadState('load');
  if ((await page.locator('leptos-island').count()) > 0) {
    await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  }
}

export function uniqueEmail(tag: string) {
  return `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.org`;
}

export const PASSWORD = 'a long enough password';

export async function register(page: Page, name: string, email: string, password = PASSWORD) {
  await page.goto('/register');
  await hydrated(page);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('link', { name: `Signed in as ${name}` })).toBeVisible();
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto('/sign-in');
  await hydrated(page);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The newest e-mail's link to the given path, from the demo-mode outbox page. */
export async function linkFromOutbox(page: Page, to: string, path: string): Promise<string> {
  // E-mail is sent off the request path: it may land a moment after the page answered.
  const item = page.locator('.outbox__item', { hasText: `To ${to}` }).first();
  await expect(async () => {
    await page.goto('/outbox');
    await expect(item).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 10_000 });
  const body = await item.locator('pre').innerText();
  const match = body.match(new RegExp(`https?://[^\\s]*${path.replace('/', '\\/')}\\?token=[A-Za-z0-9_-]+`));
  expect(match, `a ${path} link in the e-mail to ${to}`).not.toBeNull();
  return new URL(match![0]).pathname + new URL(match![0]).search;
}

/** Screen sizes for tests that put several people on their own devices. */
export const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const desktop = { viewport: { width: 1280, height: 800 } };

/** Someone on their own device (a browser context of its own), signed in as a demo member if an e-mail is given. */
export async function person(browser: Browser, options: object, email?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  if (email) {
    await signIn(page, email, 'commons-demo-2018');
    await expect(page.getByRole('link', { name: /Signed in as/ })).toBeVisible();
  }
  return { context, page };
}

/** With SCREENSHOTS=dir, save a full-page screenshot there (to look at, not to assert). */
export async function shot(page: Page, name: string) {
  const dir = process.env.SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}
