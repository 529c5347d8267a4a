import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectAccessible, hydrated, signIn } from './helpers';

async function as(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, 'commons-demo-2018');
  await expect(page.getByRole('link', { name: /Signed in as/ })).toBeVisible();
  return page;
}

function isoDaysFromNow(days: number) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// Each project appoints a different member, so that the two running at once do not collide.
const PEOPLE = {
  desktop: { convener: 'Grace Lin', steward: 'Ben Carter' },
  phone: { convener: 'Jack Nance', steward: 'Chloe Evans' },
};

test('the project team appoints a convener whose term then shows on the region page', async ({ browser }, info) => {
  const who = PEOPLE[info.project.name as keyof typeof PEOPLE].convener;
  // A visitor reads the home page first: the server now holds its copy of the structure.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/');
  const southWest = visitor.getByRole('article', { name: 'South West' });
  await expect(southWest).toBeVisible();
  await expect(southWest).not.toContainText(who);
  const priya = await as(browser, 'priya@demo.q-commons.org');
  await priya.goto('/spaces/south-west');
  await hydrated(priya);
  await priya.getByText('Appoint a convener').click();
  await priya.getByLabel('Member', { exact: true }).selectOption({ label: who });
  await priya.getByLabel('Term ends').fill(isoDaysFromNow(30));
  await priya.getByLabel(/Reason/).fill('Chosen by the South West stewardship group');
  await priya.getByRole('button', { name: 'Appoint', exact: true }).click();
  const line = priya.getByRole('listitem').filter({ hasText: `${who}, Convener` });
  await expect(line).toContainText('term ends in 30 days');
  await expect(priya.getByText(`${who} was appointed convener of South West`)).toBeVisible();
  await expectAccessible(priya);

  // The appointment changed the structure, so the home page shows the new convener.
  await visitor.goto('/');
  await expect(southWest.locator('dd').first()).toContainText(who);
  // Anyone visiting the region page sees the new convener and the end of the term.
  await visitor.goto('/spaces/south-west');
  await expect(visitor.getByRole('listitem').filter({ hasText: `${who}, Convener` })).toContainText('term ends in 30 days');
  await expect(visitor.getByText('Appoint a convener')).toHaveCount(0);
  await expectAccessible(visitor);
});

test('a convener cannot appoint conveners but appoints stewards in their own region', async ({ browser }, info) => {
  const who = PEOPLE[info.project.name as keyof typeof PEOPLE].steward;
  const helen = await as(browser, 'helen@demo.q-commons.org');
  await helen.goto('/spaces/south-west');
  await expect(helen.getByRole('heading', { name: 'South West', level: 1 })).toBeVisible();
  await expect(helen.getByText('Appoint a convener')).toHaveCount(0);
  const refused = await helen.request.post('/api/appoint_role', {
    form: { space: 'south-west', person_id: '1', starts_on: '', ends_on: '', reason: '' },
  });
  expect(refused.status()).toBe(403);

  const hein = await as(browser, 'hein@demo.q-commons.org');
  await hein.goto('/spaces/west-of-england-stewardship-group');
  await hydrated(hein);
  await hein.getByText('Appoint a steward').click();
  await hein.getByLabel('Member', { exact: true }).selectOption({ label: who });
  await hein.getByRole('button', { name: 'Appoint', exact: true }).click();
  await expect(hein.getByRole('listitem').filter({ hasText: `${who}, Steward` })).toBeVisible();
  await expectAccessible(hein);
});

test('a convener suspends a member with a reason, then reinstates them', async ({ browser }, info) => {
  const who = info.project.name === 'desktop' ? 'Dev Mistry' : 'Femi Adeyemi';
  const hein = await as(browser, 'hein@demo.q-commons.org');
  await hein.goto(`/members?q=${encodeURIComponent(who)}`);
  await hein.getByRole('main').getByRole('link', { name: who }).click();
  await expect(hein.getByRole('heading', { name: 'Membership status' })).toBeVisible();
  await hydrated(hein);
  await hein.getByRole('button', { name: `Suspend ${who}` }).click();
  await expect(hein.locator('#field-reason-error')).toContainText('Give a reason');
  await hein.getByLabel(/Reason/).fill('Repeated breaches of the code of conduct');
  await hein.getByRole('button', { name: `Suspend ${who}` }).click();
  await expect(hein.getByText(`${who} is suspended.`)).toBeVisible();
  await expectAccessible(hein);

  // Suspended members leave the directory; Helen (another region) cannot see or act.
  const helen = await as(browser, 'helen@demo.q-commons.org');
  await helen.goto(`/members?q=${encodeURIComponent(who)}`);
  await expect(helen.getByRole('status')).toHaveText('0 members found');

  await hein.getByLabel(/Reason/).fill('Conversation held; welcome back');
  await hein.getByRole('button', { name: `Reinstate ${who}` }).click();
  await expect(hein.getByText(`${who} is active.`)).toBeVisible();
});
