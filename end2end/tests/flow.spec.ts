import { expect, test } from '@playwright/test';
import { desktop, expectAccessible, person, phone, shot } from './helpers';

// Each project asks its own question, so the two running at once do not collide.
test('the national group cascades a question, two regions answer, and a region escalates a matter that is answered', async ({ browser }, info) => {
  const viewport = info.project.name === 'phone' ? phone : desktop;
  const tag = `${info.project.name} ${Date.now().toString(36)}`;
  const title = `Priorities for next year (${tag})`;
  const priya = (await person(browser, viewport, 'priya@demo.q-commons.org')).page;

  // The project team asks two regions, refused first for want of a question.
  await priya.goto('/flow');
  await expect(priya.getByRole('heading', { name: 'National and regional work', level: 1 })).toBeVisible();
  await priya.getByLabel('Title').fill(title);
  await priya.getByRole('button', { name: 'Ask the regions' }).click();
  await expect(priya.locator('#field-question-error')).toContainText('Write the question the regions answer.');
  await priya.getByLabel('Question').fill('What should the national commons fund first?');
  const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  await priya.getByLabel('Answer by').fill(due);
  await priya.getByLabel('West of England').check();
  await priya.getByLabel('South West').check();
  await priya.getByRole('button', { name: 'Ask the regions' }).click();
  await expect(priya.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(priya.getByRole('heading', { name: 'West of England — Waiting' })).toBeVisible();
  const cascade = priya.url();
  // Each asked region's convener is told by e-mail (the demo's outbox shows it).
  await priya.goto('/outbox');
  await expect(priya.locator('.outbox__item', { hasText: 'To hein@demo.q-commons.org' }).filter({ hasText: `The national group asks West of England: ${title}` })).toHaveCount(1);
  await expect(priya.locator('.outbox__item', { hasText: 'To karen@demo.q-commons.org' }).filter({ hasText: title })).toHaveCount(0);

  // Each region's convener answers for their own region.
  for (const [who, region, words] of [
    ['hein', 'West of England', 'Travel for patient and carer members.'],
    ['helen', 'South West', 'Training for new conveners.'],
  ]) {
    const convener = (await person(browser, viewport, `${who}@demo.q-commons.org`)).page;
    await convener.goto(cascade);
    await expect(convener.getByRole('heading', { name: `Answer for ${region}` })).toBeVisible();
    await expect(convener.getByRole('heading', { name: /^Answer for / })).toHaveCount(1);
    await convener.getByLabel("The region's answer").fill(words);
    await convener.getByRole('button', { name: 'Send the answer' }).click();
    await expect(convener.getByRole('heading', { name: `${region} — Answered` })).toBeVisible();
    await expect(convener.locator('.answer .prose', { hasText: words })).toBeVisible();
  }

  // The national group sees who answered and what.
  await priya.goto('/flow');
  await expect(priya.getByRole('listitem').filter({ hasText: title })).toContainText('2 of 2 regions answered');
  await priya.goto(cascade);
  await expect(priya.locator('.answer .prose', { hasText: 'Training for new conveners.' })).toBeVisible();
  await expectAccessible(priya);
  await shot(priya, `cascade-${info.project.name}`);

  // West of England raises a matter; the national group answers it.
  const hein = (await person(browser, viewport, 'hein@demo.q-commons.org')).page;
  await hein.goto('/spaces/west-of-england');
  await hein.getByRole('link', { name: 'National and regional work' }).click();
  await expect(hein.getByRole('heading', { name: 'West of England and the national commons', level: 1 })).toBeVisible();
  await expect(hein.getByRole('listitem').filter({ hasText: title })).toContainText('Answered');
  await hein.getByLabel('Title').fill(`Room hire costs (${tag})`);
  await hein.getByLabel('The matter').fill('Trust rooms now cost £200 an evening: can the national budget help?');
  await hein.getByRole('button', { name: 'Raise it' }).click();
  await expect(hein.getByText('Not answered yet.')).toBeVisible();
  await expectAccessible(hein);
  const escalation = hein.url();
  await priya.goto(escalation);
  await priya.getByLabel('Answer', { exact: true }).fill('Yes: up to £1,000 this year from the events pot.');
  await priya.getByRole('button', { name: 'Send the answer' }).click();
  await expect(priya.getByText(/^Answered by Priya Patel, /)).toBeVisible();
  await hein.goto('/spaces/west-of-england/flow');
  await expect(hein.getByRole('listitem').filter({ hasText: `Room hire costs (${tag})` })).toContainText('Answered in');
  await expectAccessible(hein);
  await shot(hein, `flow-region-${info.project.name}`);

  // The region's dashboard says it in words, and links to it.
  await hein.goto('/spaces/west-of-england/dashboard');
  const flow = hein.getByRole('region', { name: 'National and regional work' });
  await expect(flow.getByText(/^The national group asked \d+ questions?; the region answered \d+, in a median of /)).toBeVisible();
  await expect(flow.getByText(/^\d+ matters? raised to the national group; \d+ answered/)).toBeVisible();
  await flow.getByRole('link', { name: 'The questions and matters, with their answers' }).click();
  await expect(hein.getByRole('heading', { name: 'West of England and the national commons', level: 1 })).toBeVisible();
});
