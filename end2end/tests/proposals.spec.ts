import { expect, test, type Page } from '@playwright/test';
import { desktop, expectAccessible, hydrated, person, phone } from './helpers';

/** Two days from now, as a datetime-local value (UTC). */
function inTwoDays(): string {
  return new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString().slice(0, 16);
}

/** With SCREENSHOTS=dir, save a full-page screenshot there (to look at, not to assert). */
async function shot(page: Page, name: string) {
  const dir = process.env.SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** Elements that stick out past the right edge of the screen (nothing should, at 360 px). */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
  );
}

test('members of a region decide by consent: an objection is raised, answered and withdrawn; another region is told why it cannot vote', async ({ browser }, info) => {
  test.skip(info.project.name === 'phone', 'this test sets its own viewports: a desktop and two phones');
  test.setTimeout(120_000);
  const title = `Meet in Bath every other month ${Date.now().toString(36)}`;

  // Hein, convener in West of England, drafts a proposal there.
  const hein = (await person(browser, desktop, 'hein@demo.q-commons.org')).page;
  await hein.goto('/spaces/west-of-england/proposals');
  await hein.getByRole('link', { name: 'Start a proposal' }).click();
  await expect(hein.getByRole('heading', { name: 'Start a proposal' })).toBeVisible();
  await expectAccessible(hein);
  // An empty form says what is missing and changes nothing.
  await hein.getByRole('button', { name: 'Save the draft' }).click();
  await expect(hein.getByText('Give the proposal a title')).toBeVisible();
  await hein.getByLabel('Title', { exact: true }).fill(title);
  await hein.getByLabel('What you propose, and why').fill('We alternate **Bristol** and Bath, so members in the east can come.\n\n<script>alert(1)</script>');
  await hein.getByLabel('How it will be decided').selectOption({ label: 'Consent' });
  await hein.getByRole('button', { name: 'Save the draft' }).click();
  await expect(hein.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(hein.locator('.markdown strong')).toHaveText('Bristol');
  await expect(hein.locator('.markdown script')).toHaveCount(0);
  await hein.getByRole('button', { name: 'Open for discussion' }).click();
  await expect(hein.getByText('Discussion · Consent')).toBeVisible();
  await hein.getByLabel('Voting closes (UK time)').fill(inTwoDays());
  await hein.getByRole('button', { name: 'Open voting' }).click();
  await expect(hein.getByText('Decision · Consent')).toBeVisible();
  await expectAccessible(hein);
  await shot(hein, 'proposal-open-desktop');
  const address = hein.url();

  // Sam, a member in West of England, objects with a reason, on his phone.
  const sam = (await person(browser, phone, 'sam@demo.q-commons.org')).page;
  await sam.goto(address);
  await sam.getByRole('button', { name: 'Raise the objection' }).click();
  await expect(sam.locator('#field-reason-error')).toContainText('An objection needs its reason');
  await sam.getByLabel('Object, with your reason').fill('Bath is hard to reach by bus from Swindon.');
  await sam.getByRole('button', { name: 'Raise the objection' }).click();
  await expect(sam.locator('.objection')).toContainText('Bath is hard to reach by bus from Swindon.');
  await expect(sam.locator('.objection h3')).toHaveText('Sam Okafor — Raised');
  // And asks a question in the discussion (Markdown, rendered safely).
  await sam.getByLabel('Your comment').fill('Could the **Bath** room be step-free?');
  await sam.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(sam.locator('.comment').first()).toContainText('Could the Bath room be step-free?');
  await expect(sam.locator('.comment strong', { hasText: 'Bath' })).toBeVisible();
  await expect(sam.getByRole('heading', { name: 'Discussion (1 comment)' })).toBeVisible();
  await expectAccessible(sam);
  expect(await overflowing(sam)).toEqual([]);

  // Hein answers; Sam withdraws, then consents.
  await hein.reload();
  await hein.getByLabel('Your answer').fill('We will run a minibus from Swindon.');
  await hein.getByRole('button', { name: 'Answer' }).click();
  await expect(hein.locator('.objection')).toContainText('Answer: We will run a minibus from Swindon.');
  await hein.locator('.comment summary', { hasText: 'Reply' }).first().click();
  await hein.getByLabel('Your reply').fill('Yes: the room in Bath has a lift.');
  await hein.getByRole('button', { name: 'Reply', exact: true }).click();
  await expect(hein.locator('.comments--replies')).toContainText('Yes: the room in Bath has a lift.');
  await expect(hein.getByRole('heading', { name: 'Discussion (2 comments)' })).toBeVisible();
  await expectAccessible(hein);
  await sam.reload();
  await sam.getByRole('button', { name: 'Withdraw my objection' }).click();
  await expect(sam.locator('.objection h3')).toHaveText('Sam Okafor — Withdrawn');
  await sam.getByRole('button', { name: 'Vote' }).click();
  await expect(sam.getByText('You voted: I consent')).toBeVisible();
  await expectAccessible(sam);
  await shot(sam, 'proposal-consented-phone');

  // Helen, from South West, reads it but cannot vote, and is told why.
  const helen = (await person(browser, phone, 'helen@demo.q-commons.org')).page;
  await helen.goto(address);
  await expect(helen.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(helen.locator('.refusal', { hasText: 'vote' })).toHaveText('Only members of West of England can vote on this.');
  await expect(helen.getByRole('region', { name: /Discussion/ }).locator('.refusal')).toHaveText('Only members of West of England can take part here.');
  await expect(helen.getByRole('button', { name: 'Vote' })).toHaveCount(0);
  await expect(helen.getByRole('button', { name: 'Raise the objection' })).toHaveCount(0);
  await expectAccessible(helen);
  expect(await overflowing(helen)).toEqual([]);
  await shot(helen, 'proposal-other-region-phone');

  // The space's list shows it open for decision.
  await helen.goto('/spaces/west-of-england/proposals');
  await expect(helen.getByRole('link', { name: title })).toBeVisible();
  await expect(helen.getByText('Only members of West of England can take part here.')).toBeVisible();
});

test('the decision register lists each decision with its counts and outcome, filters, and downloads without names', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail address').fill('sam@demo.q-commons.org');
  await page.getByLabel('Password').fill('commons-demo-2018');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('link', { name: 'Signed in as Sam Okafor' })).toBeVisible();

  // The decisions Sam took part in.
  await page.goto('/decisions');
  await page.getByRole('link', { name: 'Decisions I took part in' }).click();
  await expect(page.getByRole('heading', { name: 'Decisions I took part in', level: 1 })).toBeVisible();
  await expect(page.locator('.proposals li', { hasText: 'Hold our meet-ups in Bristol and Bath in turn' })).toContainText('Passed');
  await expectAccessible(page);

  // From the region's page to its register.
  await page.goto('/spaces/west-of-england');
  await page.getByRole('link', { name: 'Decision register' }).click();
  await expect(page.getByRole('heading', { name: 'Decision register', level: 1 })).toBeVisible();
  const bath = page.locator('.proposals li', { hasText: 'Hold our meet-ups in Bristol and Bath in turn' });
  await expect(bath).toContainText('West of England · Consent');
  await expect(bath).toContainText(/(\d+) of \1 took part · Passed/);
  await expect(bath).toContainText('From January the meet-up alternates');
  // And the adaptation of a national rule the region passed.
  await expect(page.locator('.proposals li', { hasText: 'A patient or carer member on every convener appointment' })).toContainText('Passed');
  // Only this region's decisions (other tests may have closed more of its own).
  await expect(page.locator('.proposals li').filter({ hasNotText: 'West of England' })).toHaveCount(0);
  await expectAccessible(page);
  expect(await overflowing(page)).toEqual([]);
  await shot(page, `register-${test.info().project.name}`);

  // Words and filters are a plain form; a method with nothing decided shows nothing.
  await page.getByLabel('Space').selectOption({ label: 'Any' });
  await page.getByLabel('Words').fill('QUARTER');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('.proposals li')).toHaveCount(1);
  await expect(page.locator('.proposals li')).toContainText('Meet in the evening once a quarter');
  await page.getByLabel('Words').fill('');
  await page.getByLabel('Method').selectOption({ label: 'Gradients of agreement' });
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('No decisions match.')).toBeVisible();

  // The CSV: the same decisions, counts and outcomes, never a name.
  const csv = await (await page.request.get('/decisions.csv')).text();
  expect(csv.split('\n')[0]).toBe('Decision,Space,Method,Opened,Closed,Could vote,Took part,Result,Outcome,Link');
  expect(csv).toContain('Hold our meet-ups in Bristol and Bath in turn,West of England,Consent');
  expect(csv).not.toContain('Hein');
  expect(csv).not.toContain('Okafor');

  // The decision's own page shows the outcome; a member who is not its author or a
  // steward cannot rewrite it.
  await page.goto('/decisions?space=west-of-england');
  await page.getByRole('link', { name: 'Hold our meet-ups in Bristol and Bath in turn' }).click();
  await expect(page.getByRole('heading', { name: 'Outcome' })).toBeVisible();
  await expect(page.locator('.outcome')).toContainText('alternates between Bristol and Bath');
  await expect(page.locator('.refusal', { hasText: 'This vote closed at' })).toBeVisible();
  await expect(page.getByText('The discussion closed with the vote.')).toBeVisible();
  await expectAccessible(page);
  // Sam stewards West of England: he may correct the outcome.
  await expect(page.getByRole('button', { name: 'Correct the outcome' })).toBeVisible();
});

test("a region's rule book shows the national rules it inherits and the one it adapted, word by word; a change is proposed from the rule and changes nothing until it passes", async ({ browser }, info) => {
  const viewport = info.project.name === 'phone' ? phone : desktop;
  const hein = (await person(browser, viewport, 'hein@demo.q-commons.org')).page;
  await hein.goto('/spaces/west-of-england');
  await hein.getByRole('link', { name: 'Rule book' }).click();
  await expect(hein.getByRole('heading', { name: 'Rule book of West of England', level: 1 })).toBeVisible();
  const terms = hein.locator('.rule', { has: hein.getByRole('heading', { name: "Conveners' terms" }) });
  await expect(terms.locator('.tag')).toHaveText('Adapted');
  await expect(terms.locator('.markdown')).toContainText('with at least one patient or carer member');
  await terms.getByText('What this region changed in the national text').click();
  await expect(terms.locator('.diff ins')).toHaveText(', with at least one patient or carer member,');
  await terms.getByText('History (1 version)').click();
  await expect(terms.getByRole('link', { name: 'A patient or carer member on every convener appointment' })).toBeVisible();
  const conduct = hein.locator('.rule', { has: hein.getByRole('heading', { name: 'Conduct' }) });
  await expect(conduct.locator('.tag')).toHaveText('Inherited');
  await expectAccessible(hein);
  expect(await overflowing(hein)).toEqual([]);
  await shot(hein, `rule-book-${info.project.name}`);

  // The decision that adapted it shows the change it carried, now in the rule book.
  await terms.getByRole('link', { name: 'A patient or carer member on every convener appointment' }).click();
  await expect(hein.getByRole('heading', { name: 'Change to the rule book' })).toBeVisible();
  await expect(hein.getByText("Adapt a national rule for this region: Conveners' terms — in the rule book since it passed.")).toBeVisible();
  await hein.goBack();

  // Hein proposes adapting the conduct rule: the form starts from its text.
  await conduct.getByRole('link', { name: 'Propose adapting it here' }).click();
  await expect(hein.getByRole('heading', { name: 'Start a proposal' })).toBeVisible();
  await expect(hein.getByLabel('What it changes')).toHaveValue(/^adapt:\d+$/);
  await expect(hein.getByLabel("The rule's title")).toHaveValue('Conduct');
  const text = hein.getByLabel("The rule's new text");
  await expect(text).toHaveValue(/^Members treat each other with respect/);
  // A rule change is decided by a method that passes or fails.
  const title = `Meet only in step-free rooms ${Date.now().toString(36)}`;
  await hein.getByLabel('Title', { exact: true }).fill(title);
  await hein.getByLabel('What you propose, and why').fill('Two members use wheelchairs.');
  await text.fill('Members treat each other with respect, credit others\' work and meet only in step-free rooms.');
  await hein.getByLabel('How it will be decided').selectOption({ label: 'Score (0–5)' });
  await hein.getByLabel('Options (ranked choice, score or approval), one a line').fill('Yes\nNo');
  await hein.getByRole('button', { name: 'Save the draft' }).click();
  await expect(hein.locator('#field-method-error')).toContainText('A change to the rule book is decided together and passes or fails');
  await expect(hein.getByLabel("The rule's new text")).toHaveValue(/meet only in step-free rooms/);
  await hein.getByLabel('How it will be decided').selectOption({ label: 'Consent' });
  await hein.getByRole('button', { name: 'Save the draft' }).click();
  await expect(hein.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  const change = hein.getByRole('region', { name: 'Change to the rule book' });
  await expect(change).toContainText('Adapt a national rule for this region: Conduct');
  await expect(change.locator('.diff ins').filter({ hasText: 'step-free' })).toHaveCount(1);
  await expect(change.locator('.diff del').filter({ hasText: 'confidence' })).toHaveCount(1);
  await expectAccessible(hein);
  expect(await overflowing(hein)).toEqual([]);
  await shot(hein, `rule-change-${info.project.name}`);
  await hein.getByRole('button', { name: 'Open for discussion' }).click();
  await expect(hein.getByText('Discussion · Consent')).toBeVisible();

  // Until it passes, the rule book is as it was.
  await hein.goto('/spaces/west-of-england/rules');
  await expect(conduct.locator('.tag')).toHaveText('Inherited');
  await expect(conduct.locator('.markdown')).not.toContainText('step-free');
});

test('the charter says what a region decides alone; spending over its limit is raised in the region and decided nationally', async ({ browser }, info) => {
  const viewport = info.project.name === 'phone' ? phone : desktop;
  const hein = (await person(browser, viewport, 'hein@demo.q-commons.org')).page;
  await hein.goto('/spaces/west-of-england/rules');
  await hein.getByRole('link', { name: 'the charter' }).click();
  await expect(hein.getByRole('heading', { name: 'The charter', level: 1 })).toBeVisible();
  await expect(hein.getByRole('row', { name: /Spending/ })).toContainText('A region alone, up to £2,000 (more: the national commons)');
  await expect(hein.getByRole('row', { name: /The charter itself/ })).toContainText('The national commons');
  await expectAccessible(hein);
  expect(await overflowing(hein)).toEqual([]);
  await shot(hein, `charter-${info.project.name}`);

  await hein.goto('/proposals/new?space=west-of-england');
  const title = `A minibus for the spring event ${Date.now().toString(36)}`;
  await hein.getByLabel('Title', { exact: true }).fill(title);
  await hein.getByLabel('What you propose, and why').fill('Members from Swindon cannot get there otherwise.');
  await hein.getByLabel('What kind of decision').selectOption({ label: 'Spending' });
  await hein.getByRole('button', { name: 'Save the draft' }).click();
  await expect(hein.locator('#field-amount-error')).toContainText('Say how much it would spend');
  await hein.getByLabel('Amount (spending), in pounds').fill('£2,500');
  await hein.getByLabel('How it will be decided').selectOption({ label: 'Consent' });
  await hein.getByRole('button', { name: 'Save the draft' }).click();
  await expect(hein.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(hein.getByText('Raised in West of England. A region may spend up to £2,000 alone; more is decided by the national commons.')).toBeVisible();
  await expect(hein.getByText(/Spending: £2,500/)).toBeVisible();
  await expect(hein.getByRole('link', { name: /Proposals in National/ })).toBeVisible();
  await expectAccessible(hein);
  expect(await overflowing(hein)).toEqual([]);

  // A proposal to change the charter carries the change, and is decided nationally.
  await hein.goto('/proposals/new?space=west-of-england');
  const amend = `Let regions spend up to £5,000 ${Date.now().toString(36)}`;
  await hein.getByLabel('Title', { exact: true }).fill(amend);
  await hein.getByLabel('What you propose, and why').fill('Events cost more than they did.');
  await hein.getByLabel('What kind of decision').selectOption({ label: 'The charter itself' });
  await hein.getByLabel('Which clause it changes').selectOption({ label: 'Spending' });
  await hein.getByLabel('How it will be decided').selectOption({ label: 'Consent' });
  await hein.getByRole('button', { name: 'Save the draft' }).click();
  await expect(hein.locator('#field-charter_clause-error')).toContainText('Give the most a region may spend alone');
  await hein.getByLabel("A region's spending limit, in pounds (spending only)").fill('5000');
  await hein.getByRole('button', { name: 'Save the draft' }).click();
  await expect(hein.getByRole('heading', { name: amend, level: 1 })).toBeVisible();
  await expect(hein.getByRole('region', { name: 'Change to the charter' })).toContainText('Spending: a region alone, up to £5,000');
  await expect(hein.getByText('Raised in West of England. The charter reserves the charter itself to the national commons.')).toBeVisible();
  await expectAccessible(hein);
  expect(await overflowing(hein)).toEqual([]);
});

test('a ranked vote is a plain form: each option gets a place, the same place twice is refused, and a change of mind is kept', async ({ browser }, info) => {
  const viewport = info.project.name === 'phone' ? phone : desktop;
  const hein = (await person(browser, viewport, 'hein@demo.q-commons.org')).page;
  await hein.goto('/proposals/new?space=west-of-england');
  const title = `Where should the summer meet-up be ${Date.now().toString(36)}`;
  await hein.getByLabel('Title', { exact: true }).fill(title);
  await hein.getByLabel('What you propose, and why').fill('Three rooms have offered.');
  await hein.getByLabel('How it will be decided').selectOption({ label: 'Ranked choice (instant run-off)' });
  await hein.getByLabel('Options (ranked choice, score or approval), one a line').fill('Bristol\nBath\nSwindon');
  await hein.getByRole('button', { name: 'Save the draft' }).click();
  await expect(hein.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await hein.getByRole('button', { name: 'Open for discussion' }).click();
  await expect(hein.getByText('Discussion · Ranked choice')).toBeVisible();
  await hein.getByLabel('Voting closes (UK time)').fill(inTwoDays());
  await hein.getByRole('button', { name: 'Open voting' }).click();
  await expect(hein.getByRole('group', { name: 'Rank the options' })).toBeVisible();

  await hein.getByLabel('Bath').selectOption({ label: '1st' });
  await hein.getByLabel('Bristol').selectOption({ label: '1st' });
  await hein.getByRole('button', { name: 'Vote' }).click();
  await expect(hein.getByRole('alert')).toContainText('Give each option you rank a different place.');
  // The refused ballot comes back as it was sent.
  await expect(hein.getByLabel('Bath')).toHaveValue(/:1$/);
  await expect(hein.getByLabel('Bristol')).toHaveValue(/:1$/);
  await hein.getByLabel('Bath').selectOption({ label: '1st' });
  await hein.getByLabel('Bristol').selectOption({ label: '2nd' });
  await hein.getByRole('button', { name: 'Vote' }).click();
  await expect(hein.getByText('You have voted. You can change it until voting closes.')).toBeVisible();
  await expect(hein.getByLabel('Bath')).toHaveValue(/:1$/);
  await expect(hein.getByLabel('Bristol')).toHaveValue(/:2$/);
  await expect(hein.getByLabel('Swindon')).toHaveValue('');
  await expectAccessible(hein);
  expect(await overflowing(hein)).toEqual([]);
  await shot(hein, `ranked-${info.project.name}`);
});

test('under the advice process the author asks a member, who advises; the author answers and decides; another region is told why it cannot advise', async ({ browser }, info) => {
  test.skip(info.project.name === 'phone', 'this test sets its own viewports: a desktop and two phones');
  test.setTimeout(120_000);
  const title = `Move the newsletter to monthly ${Date.now().toString(36)}`;

  // Hein drafts it, to decide by the advice process.
  const hein = (await person(browser, desktop, 'hein@demo.q-commons.org')).page;
  await hein.goto('/proposals/new?space=west-of-england');
  await hein.getByLabel('Title', { exact: true }).fill(title);
  await hein.getByLabel('What you propose, and why').fill('Fortnightly is too much to write **and** to read.');
  await hein.getByLabel('How it will be decided').selectOption({ label: 'Advice process' });
  await hein.getByRole('button', { name: 'Save the draft' }).click();
  await expect(hein.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  const advice = hein.getByRole('region', { name: 'Advice' });
  await expect(advice).toContainText('Nobody has been asked yet.');
  await hein.getByRole('button', { name: 'Open for discussion' }).click();
  await expect(hein.getByText('Discussion · Advice process')).toBeVisible();

  // The advice cannot open with nobody to ask; a name nobody has is refused.
  await hein.getByRole('button', { name: 'Ask for advice' }).click();
  await expect(hein.getByText('Name at least one person to ask for advice')).toBeVisible();
  await hein.getByLabel('Ask someone: their name or e-mail address').fill('Nobody Here');
  await hein.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(hein.getByText('No member of the commons is called “Nobody Here”')).toBeVisible();
  await hein.getByLabel('Ask someone: their name or e-mail address').fill('Sam Okafor');
  await hein.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(advice.locator('.advisers')).toContainText('Sam Okafor · not yet');
  await expectAccessible(hein);
  await expect(hein.getByLabel('Advice closes (UK time)')).not.toHaveValue('');
  await hein.getByRole('button', { name: 'Ask for advice' }).click();
  await expect(hein.getByText('Seeking advice · Advice process')).toBeVisible();
  await expect(hein.getByRole('button', { name: 'Remove Sam Okafor' })).toHaveCount(0);
  const address = hein.url();

  // Sam, asked, advises from his phone.
  const sam = (await person(browser, phone, 'sam@demo.q-commons.org')).page;
  await sam.goto(address);
  await sam.getByRole('button', { name: 'Give advice' }).click();
  await expect(sam.locator('#field-advice-error')).toContainText('Write your advice');
  await sam.getByLabel('Your advice').fill('Keep a short **fortnightly** digest of events.');
  await sam.getByRole('button', { name: 'Give advice' }).click();
  await expect(sam.locator('.comment .markdown strong')).toHaveText('fortnightly');
  await expect(sam.getByRole('heading', { name: '1 of the 1 person asked gave advice.' })).toBeVisible();
  await expect(sam.getByRole('button', { name: 'Vote' })).toHaveCount(0);
  await expectAccessible(sam);
  expect(await overflowing(sam)).toEqual([]);
  await shot(sam, 'advice-phone');

  // Helen, from South West and not asked, reads it but cannot advise, and is told why.
  const helen = (await person(browser, phone, 'helen@demo.q-commons.org')).page;
  await helen.goto(address);
  await expect(helen.getByRole('region', { name: 'Advice' }).locator('.refusal')).toHaveText(
    'Only the people asked and those who were members of West of England when the advice opened can give advice on this.',
  );
  await expect(helen.getByRole('button', { name: 'Give advice' })).toHaveCount(0);
  await expectAccessible(helen);

  // Everyone asked has advised: Hein closes the advice, answers it, and decides.
  await hein.reload();
  await hein.getByRole('button', { name: 'Close the advice and decide' }).click();
  await expect(hein.getByText('Closed · Advice process')).toBeVisible();
  await expect(hein.getByRole('region', { name: 'The decision' }).locator('.refusal')).toHaveText(
    'Answer the piece of advice still waiting before you decide.',
  );
  await hein.getByLabel('Your answer').fill('Yes: a digest of events goes out in between.');
  await hein.getByRole('button', { name: 'Answer', exact: true }).click();
  await expect(hein.locator('.advice__answer')).toContainText('a digest of events goes out in between');
  await hein.getByLabel('What you decided, and why, answering the advice').fill('Monthly from January, with a fortnightly digest of events.');
  await hein.getByRole('button', { name: 'Record the decision' }).click();
  await expect(hein.locator('.outcome')).toContainText('Monthly from January');
  await expect(hein.locator('.result')).toHaveText('Result: Decided by the author');
  await expectAccessible(hein);
  await shot(hein, 'advice-decided-desktop');

  // Sam stewards West of England, but under the advice process only the author decides.
  await sam.reload();
  await expect(sam.locator('.outcome')).toContainText('Monthly from January');
  await expect(sam.getByRole('button', { name: /decision/ })).toHaveCount(0);
});

test("a vote with results shown while open moves on another member's screen as ballots come in, without a reload", async ({ browser }, info) => {
  test.skip(info.project.name === 'phone', 'this test sets its own viewports: a desktop and a phone');
  const title = `Pick the spring venue ${Date.now().toString(36)}`;
  const hein = (await person(browser, desktop, 'hein@demo.q-commons.org')).page;
  await hein.goto('/proposals/new?space=west-of-england');
  await hein.getByLabel('Title', { exact: true }).fill(title);
  await hein.getByLabel('What you propose, and why').fill('The Watershed has offered a room.');
  await hein.getByLabel('How it will be decided').selectOption({ label: 'Majority vote' });
  await hein.getByLabel('Show results while voting is open (otherwise only at the close)').check();
  await hein.getByRole('button', { name: 'Save the draft' }).click();
  await expect(hein.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await hein.getByRole('button', { name: 'Open voting' }).click();
  await expect(hein.getByText('Decision · Majority vote')).toBeVisible();

  // Sam watches from his phone; the tally is live once the page's island is.
  const sam = (await person(browser, phone, 'sam@demo.q-commons.org')).page;
  await sam.goto(hein.url());
  await hydrated(sam);
  const tally = sam.getByRole('region', { name: 'So far' });
  await expect(tally).toContainText('For 0 · Against 0 · Abstain 0');
  await expectAccessible(sam);

  // Hein votes on his own screen: Sam's moves, with no reload.
  await hein.getByLabel('For', { exact: true }).check();
  await hein.getByRole('button', { name: 'Vote' }).click();
  await expect(hein.getByText('You voted: For')).toBeVisible();
  await expect(tally).toContainText('For 1 · Against 0 · Abstain 0');
  await expect(tally).toContainText('1 of');
  await expect(tally).not.toContainText('Hein');
  await shot(sam, 'live-tally-phone');
});
