import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectAccessible, hydrated, register, signIn, uniqueEmail } from './helpers';

const DEMO_PASSWORD = 'commons-demo-2018';

async function signedInAs(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, DEMO_PASSWORD);
  await expect(page.getByRole('link', { name: /Signed in as/ })).toBeVisible();
  return page;
}

async function carersIn(page: Page, slug: string): Promise<number> {
  await page.goto(`/spaces/${slug}`);
  const row = page.getByRole('row', { name: /^Carer/ });
  return Number(await row.getByRole('cell').first().innerText());
}

// Each project approves in its own region, so that the two running at once do not
// change each other's member counts.
const REGIONS = {
  desktop: { slug: 'west-of-england', name: 'West of England', convener: 'hein@demo.q-commons.org' },
  phone: { slug: 'north-east-and-north-cumbria', name: 'North East and North Cumbria', convener: 'karen@demo.q-commons.org' },
};
type Region = (typeof REGIONS)['desktop'];

async function applyTo(page: Page, region: Region, name: string) {
  await register(page, name, uniqueEmail(name.split(' ')[0].toLowerCase()));
  await page.getByRole('link', { name: 'Apply to join' }).click();
  await expect(page.getByRole('heading', { name: 'Apply to join Q' })).toBeVisible();
  await hydrated(page);
  await expectAccessible(page);
  await page.getByLabel('Your region').selectOption({ label: region.name });
  await page.getByLabel('Carer').check();
  await page.getByLabel('Researcher').check();
  await page.getByLabel('Organisation (optional)').fill('University of Bristol');
  await page.getByLabel('Why you want to join').fill('I care for my father and study hospital discharge.');
  await page.getByLabel('I agree that the community holds the perspectives I chose').check();
  await page.getByRole('button', { name: 'Send application' }).click();
  await expect(page.getByRole('status')).toContainText(`Your application to join ${region.name}`);
  await expectAccessible(page);
}

test('a person applies, the region\'s convener approves, and they count as a member', async ({ page, browser }, info) => {
  const region = REGIONS[info.project.name as keyof typeof REGIONS];
  const name = `Cara ${Date.now().toString(36)}`;
  const observer = await (await browser.newContext()).newPage();
  const carersBefore = await carersIn(observer, region.slug);

  await applyTo(page, region, name);

  const hein = await signedInAs(browser, region.convener);
  await hein.goto(`/spaces/${region.slug}`);
  await expect(hein.getByRole('heading', { name: 'Applications waiting for a decision' })).toBeVisible();
  const card = hein.getByRole('article', { name });
  await expect(card).toContainText('I care for my father');
  await expect(card).toContainText('Carer, Researcher');
  await hydrated(hein);
  await expectAccessible(hein);
  await card.getByRole('button', { name: `Approve ${name}` }).click();
  await expect(hein.getByRole('article', { name })).toHaveCount(0);
  await expect(hein.getByRole('heading', { name: 'Recent governance activity' })).toBeVisible();
  await expect(hein.getByText(`${name} was approved to join ${region.name}`)).toBeVisible();
  await expectAccessible(hein);

  await page.goto('/apply');
  await expect(page.getByText('You are a member of Q.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Apply to join' })).toHaveCount(0);
  expect(await carersIn(observer, region.slug)).toBe(carersBefore + 1);
  await expectAccessible(observer);

  // The new member is in the directory, found by name and by region, and has a profile.
  await page.getByRole('link', { name: 'Members', exact: true }).click();
  await page.getByLabel('Name, organisation or interest').fill(name);
  await page.getByLabel('Region').selectOption({ label: region.name });
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('status')).toHaveText('1 member found');
  await expectAccessible(page);
  await page.getByRole('main').getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByText('Carer, Researcher')).toBeVisible();
  await expectAccessible(page);

  // Members choose what others see: the e-mail address is hidden until they show it.
  await expect(hein.getByRole('link', { name: 'Members', exact: true })).toBeVisible();
  const profileUrl = page.url();
  await hein.goto(profileUrl);
  await expect(hein.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(hein.getByText('E-mail', { exact: true })).toHaveCount(0);
  await hydrated(page);
  await page.getByLabel('Interests (what you would like to be found for)').fill('hospital discharge');
  await page.getByLabel('Show my e-mail address').check();
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status')).toContainText('Your profile is saved');
  await hein.reload();
  await expect(hein.getByText('E-mail', { exact: true })).toBeVisible();
  await expect(hein.getByText('hospital discharge')).toBeVisible();
});

test('a convener of another region cannot see or decide the application', async ({ page, browser, request }) => {
  const name = `Dan ${Date.now().toString(36)}`;
  await applyTo(page, REGIONS.desktop, name);

  const helen = await signedInAs(browser, 'helen@demo.q-commons.org');
  await helen.goto('/spaces/west-of-england');
  await expect(helen.getByRole('heading', { name: 'West of England', level: 1 })).toBeVisible();
  await expect(helen.getByRole('heading', { name: 'Applications waiting for a decision' })).toHaveCount(0);
  await expect(helen.getByText(name)).toHaveCount(0);

  // Asking the server directly is refused too: authorisation is decided there.
  const refused = await helen.request.post('/api/pending_applications', {
    form: { region: 'west-of-england' },
  });
  expect(refused.status()).toBe(403);
  const decided = await helen.request.post('/api/decide_application', {
    form: { application_id: '1', decision: 'approve', reason: '' },
  });
  expect(decided.status()).toBe(403);
  expect((await request.post('/api/pending_applications', { form: { region: 'west-of-england' } })).status()).toBe(401);
});

test('a steward approves in their own region but not in another', async ({ browser }) => {
  // Sam Okafor is a steward of the West of England stewardship group.
  const sam = await signedInAs(browser, 'sam@demo.q-commons.org');
  await sam.goto('/spaces/west-of-england');
  await expect(sam.getByRole('heading', { name: 'Applications waiting for a decision' })).toBeVisible();
  await expectAccessible(sam);
  await sam.goto('/spaces/south-west');
  await expect(sam.getByRole('heading', { name: 'South West', level: 1 })).toBeVisible();
  await expect(sam.getByRole('heading', { name: 'Applications waiting for a decision' })).toHaveCount(0);
  const refused = await sam.request.post('/api/pending_applications', { form: { region: 'south-west' } });
  expect(refused.status()).toBe(403);
});

test('declining needs a reason, and the applicant sees it', async ({ page, browser }) => {
  const name = `Eve ${Date.now().toString(36)}`;
  await applyTo(page, REGIONS.desktop, name);

  const hein = await signedInAs(browser, 'hein@demo.q-commons.org');
  await hein.goto('/spaces/west-of-england');
  await hydrated(hein);
  const card = hein.getByRole('article', { name });
  await card.getByRole('button', { name: `Decline ${name}` }).click();
  await expect(card.getByRole('alert')).toContainText('Give the applicant a reason');
  await card.getByLabel(/Reason for/).fill('Please apply in the region where you live.');
  await card.getByRole('button', { name: `Decline ${name}` }).click();
  await expect(hein.getByRole('article', { name })).toHaveCount(0);

  await page.goto('/apply');
  await expect(page.getByText('Please apply in the region where you live.')).toBeVisible();
  await expect(page.getByLabel('Your region')).toBeVisible();
  await expectAccessible(page);
});

test('an application with nothing filled in says what is missing', async ({ page }) => {
  await register(page, 'Finn Empty', uniqueEmail('finn'));
  await page.goto('/apply');
  await hydrated(page);
  await page.getByRole('button', { name: 'Send application' }).click();
  await expect(page.locator('#field-region-error')).toHaveText('Choose the region you live or work in.');
  await expect(page.locator('#field-perspectives-error')).toContainText('at least one perspective');
  await expect(page.locator('#field-reason-error')).toContainText('why you want to join');
  await expect(page.locator('#field-consent-error')).toContainText('agree that the community holds your perspectives');
  await expectAccessible(page);
});

test('a member sees their own history, moves region and leaves', async ({ page, browser }, info) => {
  const region = REGIONS[info.project.name as keyof typeof REGIONS];
  const name = `Gil ${Date.now().toString(36)}`;
  await applyTo(page, region, name);
  const convener = await signedInAs(browser, region.convener);
  await convener.goto(`/spaces/${region.slug}`);
  await hydrated(convener);
  await convener.getByRole('article', { name }).getByRole('button', { name: `Approve ${name}` }).click();
  await expect(convener.getByRole('article', { name })).toHaveCount(0);

  await page.goto('/');
  await page.getByRole('link', { name: `Signed in as ${name}` }).click();
  await expect(page.getByRole('heading', { name: 'Your history' })).toBeVisible();
  await expect(page.getByText(`${name} was approved to join ${region.name}`)).toBeVisible();
  await hydrated(page);
  await expectAccessible(page);

  await page.getByLabel('Move to another region').selectOption({ label: 'South West' });
  await page.getByRole('button', { name: 'Move region' }).click();
  await expect(page.getByText(`${name} moved their home region to South West`)).toBeVisible();
  await expect(page.getByRole('link', { name: 'South West' })).toBeVisible();

  await page.getByText('Leave Q').click();
  await page.getByLabel('Why you are leaving (optional)').fill('Changing jobs');
  await page.getByRole('button', { name: 'Leave the community' }).click();
  await expect(page.getByText(`${name} left the community`)).toBeVisible();
  await expect(page.getByText('Left', { exact: true })).toBeVisible();
  await expectAccessible(page);

  // Gone from the directory.
  await convener.goto(`/members?q=${encodeURIComponent(name)}`);
  await expect(convener.getByRole('status')).toHaveText('0 members found');
});
