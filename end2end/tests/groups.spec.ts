import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectAccessible, hydrated, signIn } from './helpers';

async function as(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, 'commons-demo-2018');
  await expect(page.getByRole('link', { name: /Signed in as/ })).toBeVisible();
  return page;
}

test('a member forms a group joined by request, and the region\'s convener admits a member', async ({ browser }, info) => {
  const name = `Hospital discharge ${info.project.name} ${Date.now().toString(36)}`;
  const sam = await as(browser, 'sam@demo.q-commons.org');
  await sam.goto('/spaces/west-of-england');
  await sam.getByRole('link', { name: 'Form a group here' }).click();
  await expect(sam.getByRole('heading', { name: 'Form a group' })).toBeVisible();
  await hydrated(sam);
  await expectAccessible(sam);
  await sam.getByRole('button', { name: 'Form the group' }).click();
  await expect(sam.locator('#field-name-error')).toContainText('Name the group');
  await sam.getByLabel('Name').fill(name);
  await sam.getByLabel('What the group is for').fill('Patients, carers and staff improving how people leave hospital.');
  await sam.getByLabel('How members join').selectOption('by_request');
  await sam.getByRole('button', { name: 'Form the group' }).click();
  await expect(sam.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(sam.getByRole('button', { name: 'Leave this group' })).toBeVisible();
  await expectAccessible(sam);
  const groupUrl = sam.url();

  const helen = await as(browser, 'helen@demo.q-commons.org');
  await helen.goto(groupUrl);
  await hydrated(helen);
  await helen.getByRole('button', { name: 'Ask to join' }).click();
  await expect(helen.getByRole('status')).toContainText('You have asked to join');

  const hein = await as(browser, 'hein@demo.q-commons.org');
  await hein.goto(groupUrl);
  await hydrated(hein);
  await expect(hein.getByRole('heading', { name: 'Asking to join' })).toBeVisible();
  await expectAccessible(hein);
  await hein.getByRole('button', { name: 'Admit Helen Smith' }).click();
  await expect(hein.getByRole('heading', { name: 'Asking to join' })).toHaveCount(0);
  await expect(hein.getByText('Helen Smith was admitted to')).toBeVisible();

  await helen.reload();
  await expect(helen.getByRole('button', { name: 'Leave this group' })).toBeVisible();
  await expect(helen.getByText('2 active members.')).toBeVisible();
  const members = helen.getByRole('region', { name: 'Members of this group' });
  await expect(members.getByRole('link', { name: 'Helen Smith' })).toBeVisible();
  await expect(members.getByRole('link', { name: 'Sam Okafor' })).toBeVisible();

  // The group is on Helen's profile.
  await helen.getByRole('link', { name: 'Signed in as Helen Smith' }).click();
  await expect(helen.getByRole('heading', { name: 'Groups' })).toBeVisible();
  await expect(helen.getByRole('link', { name })).toBeVisible();
});
