import { expect, test } from '@playwright/test';
import { desktop, expectAccessible, person, phone, shot } from './helpers';

// Each project adds its own asset, so the two running at once do not collide.
test("a region's convener keeps a funding pot's ledger: top-up, allocation, a use the balance cannot cover is refused; another region's member reads it", async ({ browser }, info) => {
  const viewport = info.project.name === 'phone' ? phone : desktop;
  const pot = `Small grants pot (${info.project.name} ${Date.now().toString(36)})`;
  const hein = (await person(browser, viewport, 'hein@demo.q-commons.org')).page;

  await hein.goto('/spaces/west-of-england');
  await hein.getByRole('link', { name: 'Assets', exact: true }).click();
  await expect(hein.getByRole('heading', { name: 'Assets of West of England', level: 1 })).toBeVisible();
  await hein.getByRole('button', { name: 'Add to the register' }).click();
  await expect(hein.locator('#field-name-error')).toContainText('Name the asset.');
  await hein.getByLabel('Name', { exact: true }).fill(pot);
  await hein.getByLabel('Kind').selectOption({ label: 'Funding pot' });
  await hein.getByLabel('Rules of use').fill('Up to £2,000 a project, decided by the region’s members.');
  await hein.getByRole('button', { name: 'Add to the register' }).click();
  await expect(hein.getByRole('heading', { name: pot, level: 1 })).toBeVisible();
  await expect(hein.getByText('£0 left')).toBeVisible();

  const record = async (what: string, amount: string, why: string, toWhom = '') => {
    await hein.getByLabel('What', { exact: true }).selectOption({ label: what });
    await hein.getByLabel('Amount').fill(amount);
    await hein.getByLabel('Why').fill(why);
    await hein.getByLabel('To whom').fill(toWhom);
    await hein.getByRole('button', { name: 'Record', exact: true }).click();
  };
  await record('Top-up', '£5,000', 'From the host organisation');
  await expect(hein.getByText('£5,000 left')).toBeVisible();
  await record('Allocation', '1250.50', 'Discharge lounge trial', 'Bristol discharge team');
  await expect(hein.getByText('£3,749.50 left')).toBeVisible();
  const ledger = hein.getByRole('region', { name: 'The ledger' });
  await expect(ledger.getByRole('row')).toHaveCount(3);
  await expect(ledger.getByRole('row').nth(1)).toContainText('−£1,250.50');
  await expect(ledger.getByRole('row').nth(1)).toContainText('To Bristol discharge team');

  // More than is left: refused in words, and the ledger is as it was.
  await record('Use', '4000', 'Too much');
  await expect(hein.locator('#field-amount-error')).toContainText('Only £3,749.50 is left');
  await expect(ledger.getByRole('row')).toHaveCount(3);
  await expectAccessible(hein);
  await shot(hein, `asset-${info.project.name}`);

  // Helen, convener of South West, reads the ledger but keeps nothing here.
  const helen = (await person(browser, viewport, 'helen@demo.q-commons.org')).page;
  await helen.goto(new URL(hein.url()).pathname);
  await expect(helen.getByRole('heading', { name: pot, level: 1 })).toBeVisible();
  await expect(helen.getByRole('region', { name: 'The ledger' }).getByRole('row')).toHaveCount(3);
  await expect(helen.getByRole('button', { name: 'Record', exact: true })).toHaveCount(0);
  await helen.goto('/spaces/west-of-england/assets');
  await expect(helen.getByRole('listitem').filter({ hasText: pot })).toContainText('Funding pot · £3,749.50 left');
  await expect(helen.getByRole('button', { name: 'Add to the register' })).toHaveCount(0);
  await expectAccessible(helen);
});
