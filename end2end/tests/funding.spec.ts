import { expect, test, type Page } from '@playwright/test';
import { desktop, expectAccessible, hydrated, person, phone, shot } from './helpers';

/** A `datetime-local` value `hours` from now, in the browser's (UK) wall-clock time. */
function at(hours: number): string {
  const d = new Date(Date.now() + hours * 3_600_000);
  const local = new Date(d.toLocaleString('en-US', { timeZone: 'Europe/London' }));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${local.getFullYear()}-${p(local.getMonth() + 1)}-${p(local.getDate())}T${p(local.getHours())}:${p(local.getMinutes())}`;
}

async function closePhase(page: Page, reason: string) {
  await page.getByLabel('Why it closes early').fill(reason);
  await page.getByRole('button', { name: 'Close it now' }).click();
}

// Each project makes its own pot and round, so the two running at once do not collide.
test('a funding round from ideas to funded projects: ideas, a proposal, a panel, three members voting on phones, results and the pot’s ledger', async ({ browser }, info) => {
  test.setTimeout(240_000);
  const viewport = info.project.name === 'phone' ? phone : desktop;
  const tag = `${info.project.name} ${Date.now().toString(36)}`;
  const pot = `Grants pot (${tag})`;
  const title = `Small grants (${tag})`;
  const hein = (await person(browser, viewport, 'hein@demo.q-commons.org')).page;

  // The steward makes a pot and opens a round on it.
  await hein.goto('/spaces/west-of-england/assets');
  await hein.getByLabel('Name', { exact: true }).fill(pot);
  await hein.getByLabel('Kind').selectOption({ label: 'Funding pot' });
  await hein.getByRole('button', { name: 'Add to the register' }).click();
  await expect(hein.getByRole('heading', { name: pot, level: 1 })).toBeVisible();
  await hein.getByLabel('What', { exact: true }).selectOption({ label: 'Top-up' });
  await hein.getByLabel('Amount').fill('5,000');
  await hein.getByLabel('Why').fill('From the host');
  await hein.getByRole('button', { name: 'Record', exact: true }).click();
  await expect(hein.getByText('£5,000 left')).toBeVisible();
  const potPath = new URL(hein.url()).pathname;

  await hein.goto('/spaces/west-of-england');
  await hein.getByRole('link', { name: 'Funding rounds', exact: true }).click();
  await expect(hein.getByRole('heading', { name: 'Funding rounds of West of England', level: 1 })).toBeVisible();
  await hein.getByLabel('Title').fill(title);
  await hein.getByLabel('What it is for').fill('Small projects that bring patients and staff together.');
  await hein.getByLabel('Funding pot').selectOption({ label: `${pot} · £5,000 left` });
  await hein.getByLabel('Budget (£)').fill('9,000');
  await hein.getByLabel('Most a project may ask for (£)').fill('2,000');
  await hein.getByLabel('How members vote').selectOption({ label: 'Knapsack: choose projects whose costs fit the budget' });
  await hein.getByLabel('How ballots become funded projects').selectOption({ label: 'Most votes first, skipping what does not fit' });
  await hein.getByLabel('Proposals shortlisted').fill('2');
  await hein.getByLabel('Criteria the panel scores against').fill('Impact on patients and carers\nFeasibility');
  await hein.getByLabel('Ideas open').fill(at(-1));
  await hein.getByLabel('Refinement begins').fill(at(24 * 7));
  await hein.getByLabel('Shortlisting begins').fill(at(24 * 14));
  await hein.getByLabel('Voting opens').fill(at(24 * 21));
  await hein.getByLabel('Voting closes').fill(at(24 * 28));
  await hein.getByRole('button', { name: 'Open the round' }).click();
  // More than the pot holds: refused in words, nothing opened.
  await expect(hein.locator('#field-budget-error')).toContainText('holds £5,000: the budget cannot be more.');
  await hein.getByLabel('Budget (£)').fill('3,000');
  await hein.getByRole('button', { name: 'Open the round' }).click();
  await expect(hein.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  const roundPath = new URL(hein.url()).pathname;

  // Two members post ideas on their phones.
  const sam = (await person(browser, phone, 'sam@demo.q-commons.org')).page;
  const priya = (await person(browser, phone, 'priya@demo.q-commons.org')).page;
  const postIdea = async (page: Page, name: string, amount: string) => {
    await page.goto(roundPath);
    await page.getByLabel('Title').fill(name);
    await page.getByLabel('What you would do, and why').fill(`${name}: what we would do, and why it matters.`);
    await page.getByLabel('How much it needs (£)').fill(amount);
    await page.getByRole('button', { name: 'Post the idea' }).click();
  };
  await postIdea(sam, 'Carers’ café', '2,500');
  await expect(sam.locator('#field-amount-error')).toContainText('This round funds up to £2,000 a project.');
  await sam.getByLabel('How much it needs (£)').fill('1,200');
  await sam.getByRole('button', { name: 'Post the idea' }).click();
  await expect(sam.getByRole('heading', { name: 'Carers’ café', level: 1 })).toBeVisible();
  const cafe = new URL(sam.url()).pathname;
  await postIdea(priya, 'Walking handovers', '2,000');
  await expect(priya.getByRole('heading', { name: 'Walking handovers', level: 1 })).toBeVisible();
  const walking = new URL(priya.url()).pathname;
  await priya.goto(cafe);
  await priya.getByLabel('Your comment').fill('Could it run in the evening too?');
  await priya.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(priya.getByText('Could it run in the evening too?')).toBeVisible();
  await priya.getByRole('button', { name: 'Support this idea' }).click();
  await expect(priya.getByText('1 supporting')).toBeVisible();
  await expectAccessible(priya);

  // Refinement: each idea becomes its author's proposal; one is revised.
  await hein.goto(roundPath);
  await closePhase(hein, 'Two ideas are enough for this small round');
  await expect(hein.getByText('Closed early at')).toBeVisible();
  await sam.goto(cafe);
  await sam.getByRole('button', { name: 'Make this my proposal' }).click();
  await expect(sam.getByText('Proposal, version 1')).toBeVisible();
  await sam.getByLabel('How much it needs (£)').fill('1,100');
  await sam.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(sam.getByText('Proposal, version 2')).toBeVisible();
  await priya.goto(walking);
  await priya.getByRole('button', { name: 'Make this my proposal' }).click();
  await expect(priya.getByText('Proposal, version 1')).toBeVisible();

  // The panel: the steward sits on it and scores both proposals.
  await hein.goto(roundPath);
  await hein.getByLabel('Add a member to the panel (their email address)').fill('hein@demo.q-commons.org');
  await hein.getByRole('button', { name: 'Add to the panel' }).click();
  await expect(hein.getByRole('list', { name: 'The panel' })).toContainText('Hein le Roux');
  await closePhase(hein, 'Proposals are ready');
  for (const path of [cafe, walking]) {
    await hein.goto(path);
    await hein.getByLabel('Impact on patients and carers').selectOption('4');
    await hein.getByRole('button', { name: 'Save my scores' }).click();
    await expect(hein.getByRole('button', { name: 'Save my scores' })).toBeVisible();
  }
  await hein.goto(roundPath);
  await closePhase(hein, 'The panel has scored');
  await expect(hein.getByText('Voting', { exact: true }).first()).toBeVisible();
  await expectAccessible(hein);

  // Three members vote on their phones: one over the budget is told; one changes their mind.
  const vote = async (page: Page, choices: string[]) => {
    await page.goto(roundPath);
    await hydrated(page);
    for (const box of await page.getByRole('checkbox').all()) await box.uncheck();
    for (const c of choices) await page.getByRole('checkbox', { name: new RegExp(c) }).check();
    await page.getByRole('button', { name: 'Cast my ballot' }).click();
  };
  // What is left is shown as a member chooses, before anything is sent.
  await sam.goto(roundPath);
  await hydrated(sam);
  await expect(sam.locator('output')).toHaveText('£3,000 of £3,000 left.');
  await sam.getByRole('checkbox', { name: /Carers’ café/ }).check();
  await expect(sam.locator('output')).toHaveText('£1,900 of £3,000 left.');
  await sam.getByRole('checkbox', { name: /Walking handovers/ }).check();
  await expect(sam.locator('output')).toHaveText('£100 over the budget of £3,000: leave a project out.');
  // Sent anyway, the server says the same and keeps nothing.
  await vote(sam, ['Carers’ café', 'Walking handovers']);
  await expect(sam.getByRole('alert').filter({ hasText: 'These projects cost £3,100, £100 more than the budget of £3,000. Leave one out.' })).toBeVisible();
  await vote(sam, ['Carers’ café']);
  await expect(sam.locator('p.notice[role=status]')).toContainText('It leaves £1,900 of the budget.');
  await vote(priya, ['Walking handovers']);
  await expect(priya.locator('p.notice[role=status]')).toContainText('Your ballot was cast');
  await vote(priya, ['Carers’ café']);
  await expect(priya.locator('p.notice[role=status]')).toContainText('It leaves £1,900 of the budget.');
  await expect(priya.getByRole('checkbox', { name: /Carers’ café/ })).toBeChecked();
  await vote(hein, ['Walking handovers']);
  await expect(hein.locator('p.notice[role=status]')).toContainText('Your ballot was cast');
  await expectAccessible(priya);
  await shot(priya, `funding-ballot-${info.project.name}`);

  // Results: most votes first, skipping what does not fit.
  await closePhase(hein, 'Everyone in the room has voted');
  const results = hein.getByRole('region', { name: 'Results' });
  await expect(results.getByRole('row').nth(1)).toContainText('Carers’ café');
  await expect(results.getByRole('row').nth(1)).toContainText('Funded.');
  await expect(results.getByRole('row').nth(2)).toContainText('Not funded: it cost more than the £1,900 left when its turn came.');
  await expect(hein.getByText('3 of')).toBeVisible();
  await expectAccessible(hein);
  await hein.getByRole('button', { name: 'Confirm and allocate' }).click();
  await expect(hein.getByText('Delivery', { exact: true }).first()).toBeVisible();
  await shot(hein, `funding-results-${info.project.name}`);

  // The pot's ledger shows the allocation, tied to the round.
  await hein.goto(potPath);
  await expect(hein.getByText('£3,900 left')).toBeVisible();
  const ledger = hein.getByRole('region', { name: 'The ledger' });
  await expect(ledger.getByRole('row').nth(1)).toContainText('−£1,100');
  await expect(ledger.getByRole('row').nth(1)).toContainText(`Funding round: ${title}`);
});
