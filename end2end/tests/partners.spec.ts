import { expect, test } from '@playwright/test';
import { expectAccessible, hydrated, shot, signIn } from './helpers';

test('a convener records a partner organisation, and members see its contact', async ({ page, browser }, info) => {
  const name = `Bristol Health Partners ${info.project.name} ${Date.now().toString(36)}`;
  await page.goto('/partners');
  await expect(page.getByRole('link', { name: 'West of England AHSN' })).toBeVisible();
  await expect(page.getByText('Record a partner organisation')).toHaveCount(0);
  await expectAccessible(page);

  await signIn(page, 'hein@demo.q-commons.org', 'commons-demo-2018');
  await expect(page.getByRole('link', { name: /Signed in as/ })).toBeVisible();
  await page.goto('/partners');
  await hydrated(page);
  await page.getByText('Record a partner organisation').click();
  await page.getByRole('button', { name: 'Record partner' }).click();
  await expect(page.locator('#field-name-error')).toContainText("Enter the organisation's name");
  await expect(page.locator('#field-kind-error')).toContainText('Choose what kind');
  await page.getByLabel("Organisation's name").fill(name);
  await page.getByLabel('Kind of organisation').selectOption({ label: 'Charity' });
  await page.getByLabel("Contact's name (optional)").fill('Dee Contact');
  await page.getByLabel("Contact's e-mail (optional)").fill('dee@example.org');
  await page.getByRole('button', { name: 'Record partner' }).click();
  const item = page.getByRole('listitem').filter({ hasText: name });
  await expect(item).toContainText('contact: Dee Contact <dee@example.org>');
  await expect(item.getByRole('link', { name: 'partner of West of England' })).toBeVisible();
  await expectAccessible(page);

  // The region page lists it; a visitor does not see the contact.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/spaces/west-of-england');
  await expect(visitor.getByText(name)).toBeVisible();
  await visitor.goto('/partners');
  await expect(visitor.getByRole('listitem').filter({ hasText: name })).not.toContainText('dee@example.org');
});

test('the relationship map shows who works with whom, and a convener keeps a relationship up', async ({ browser }, info) => {
  const viewport = info.project.name === 'phone'
    ? { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
    : { viewport: { width: 1280, height: 800 } };
  const context = await browser.newContext(viewport);
  const page = await context.newPage();
  await signIn(page, 'hein@demo.q-commons.org', 'commons-demo-2018');
  await expect(page.getByRole('link', { name: /Signed in as/ })).toBeVisible();
  await page.goto('/partners');
  const map = page.getByRole('img', { name: 'The relationship map' });
  await expect(map).toBeVisible();
  await expect(page.locator('#relationship-map-desc')).toContainText('West of England AHSN is');
  await page.getByText('The map as a table').click();
  await expect(page.getByRole('row').filter({ hasText: 'West of England AHSN' }).first()).toBeVisible();
  await expectAccessible(page);
  await shot(page, `partners-map-${info.project.name}`);
  // One project keeps the relationship up: both at once would overwrite each other.
  if (info.project.name === 'phone') return;

  // The region's host, kept up: refused first (an end before the start), then saved.
  await page.getByText("Keep up West of England AHSN's relationship with West of England").click();
  const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Save the relationship' }) }).first();
  await form.getByLabel('Agreement from').fill('2026-04-01');
  await form.getByLabel('Agreement to').fill('2026-03-01');
  await form.getByRole('button', { name: 'Save the relationship' }).click();
  await expect(page.getByText('The agreement ends before it starts.')).toBeVisible();
  const again = page.locator('form').filter({ has: page.getByRole('button', { name: 'Save the relationship' }) }).first();
  await again.getByLabel('Agreement from').fill('2026-04-01');
  await again.getByLabel('Agreement to').fill('2027-03-31');
  await again.getByLabel('Last contact').fill('2026-11-03');
  await again.getByLabel('Next step').fill(`Agree next year's events budget (${info.project.name}).`);
  await again.getByRole('button', { name: 'Save the relationship' }).click();
  await expect(page.getByText(`With West of England: agreement 1 April 2026 to 31 March 2027 · last contact 3 November 2026 · next step: Agree next year's events budget (${info.project.name}).`)).toBeVisible();
  await expectAccessible(page);
  await shot(page, `partners-${info.project.name}`);
});
