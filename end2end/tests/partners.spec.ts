import { expect, test } from '@playwright/test';
import { expectAccessible, hydrated, signIn } from './helpers';

test('a convener records a partner organisation, and members see its contact', async ({ page, browser }, info) => {
  const name = `Bristol Health Partners ${info.project.name} ${Date.now().toString(36)}`;
  await page.goto('/partners');
  await expect(page.getByText('West of England AHSN')).toBeVisible();
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
