import { expect, test } from '@playwright/test';
import { desktop, expectAccessible, person, phone, shot } from './helpers';

// Each project runs its own trial on its own measure, so the two running at once do not collide.
test('a steward tries a change in two PDSA cycles, sees them on its run chart, and ends it with what was learned', async ({ browser }, info) => {
  const viewport = info.project.name === 'phone' ? phone : desktop;
  const tag = `${info.project.name} ${Date.now().toString(36)}`;
  const measure = `Patients at workshops (${tag})`;
  const trial = `Evening workshops (${tag})`;
  const sam = (await person(browser, viewport, 'sam@demo.q-commons.org')).page;

  // The measure the trial is read by: a year of months.
  await sam.goto('/spaces/west-of-england/measures');
  await sam.getByLabel('Name', { exact: true }).fill(measure);
  await sam.getByLabel('Unit').fill('people');
  await sam.getByLabel('Which way is better').selectOption({ label: 'Higher is better' });
  await sam.getByRole('button', { name: 'Define measure' }).click();
  const lines = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}, ${i < 6 ? 4 + (i % 2) : 9 + (i % 2)}`);
  await sam.getByLabel('Points, one a line').fill(lines.join('\n'));
  await sam.getByRole('button', { name: 'Add data' }).click();
  await expect(sam.getByText('The data (12 points)')).toBeVisible();
  const measurePath = new URL(sam.url()).pathname;

  // The trial, refused first, then started with its measure.
  await sam.goto('/spaces/west-of-england');
  await sam.getByRole('link', { name: 'Trials', exact: true }).click();
  await expect(sam.getByRole('heading', { name: 'Trials in West of England', level: 1 })).toBeVisible();
  await sam.getByRole('button', { name: 'Start trial' }).click();
  await expect(sam.locator('#field-title-error')).toContainText('Name the trial.');
  await sam.getByLabel('Name', { exact: true }).fill(trial);
  await sam.getByLabel('Aim').fill('More patients and carers at our workshops.');
  await sam.getByLabel('The change').fill('Hold workshops at 18:00, with travel paid.');
  await sam.getByLabel('Review date').fill('2027-03-01');
  await sam.getByLabel(measure).check();
  await sam.getByRole('button', { name: 'Start trial' }).click();
  await expect(sam.getByRole('heading', { name: trial, level: 1 })).toBeVisible();

  // Two cycles.
  for (const [on, plan] of [['2026-06-20', 'One evening a month'], ['2026-09-05', 'Two evenings, travel paid up front']]) {
    await sam.getByLabel('Began on').fill(on);
    await sam.getByLabel('Plan').fill(plan);
    await sam.getByLabel('Study').fill('More patients came than before.');
    await sam.getByRole('button', { name: 'Record cycle' }).click();
    await expect(sam.getByText(plan, { exact: true })).toBeVisible();
  }
  await expect(sam.locator('.cycle')).toHaveCount(2);

  // Both marked on the measure's run chart.
  await sam.getByRole('link', { name: measure }).click();
  await expect.poll(() => new URL(sam.url()).pathname).toBe(measurePath);
  await expect(sam.locator('.run-chart__note')).toHaveCount(2);
  await expect(sam.getByRole('listitem').filter({ hasText: `PDSA 2 of “${trial}”: Two evenings, travel paid up front` })).toBeVisible();
  await expectAccessible(sam);
  await shot(sam, `trial-chart-${info.project.name}`);

  // Ended, adapted, with what was learned.
  await sam.goBack();
  await sam.getByLabel('Decision').selectOption({ label: 'Adapted' });
  await sam.getByLabel('What was learned').fill('Evenings bring patients; travel must be paid up front.');
  await sam.getByRole('button', { name: 'End trial' }).click();
  await expect(sam.getByRole('heading', { name: 'What was learned' })).toBeVisible();
  await expect(sam.getByText(/^Adapted · started by Sam Okafor/)).toBeVisible();
  await expect(sam.getByRole('button', { name: 'Record cycle' })).toHaveCount(0);
  await expectAccessible(sam);
  await shot(sam, `trial-${info.project.name}`);
});

test('a member finds a trial in the learning library by what it taught, and narrows by space and kind', async ({ browser }, info) => {
  const viewport = info.project.name === 'phone' ? phone : desktop;
  const tag = `${info.project.name}${Date.now().toString(36)}`;
  const sam = (await person(browser, viewport, 'sam@demo.q-commons.org')).page;
  await sam.goto('/spaces/west-of-england/trials');
  await sam.getByLabel('Name', { exact: true }).fill(`Buddy scheme ${tag}`);
  await sam.getByLabel('Aim').fill('New members feel welcome at their first workshop.');
  await sam.getByLabel('The change').fill('Each new member is met by a buddy.');
  await sam.getByLabel('Review date').fill('2027-06-01');
  await sam.getByRole('button', { name: 'Start trial' }).click();
  await sam.getByLabel('Decision').selectOption({ label: 'Adopted' });
  await sam.getByLabel('What was learned').fill(`Buddies ${tag} doubled second visits.`);
  await sam.getByRole('button', { name: 'End trial' }).click();
  await expect(sam.getByRole('heading', { name: 'What was learned' })).toBeVisible();

  // Helen, in another region, finds it by what it taught — whatever the case.
  const helen = (await person(browser, viewport, 'helen@demo.q-commons.org')).page;
  await helen.goto('/library');
  await expect(helen.getByRole('heading', { name: 'Learning library', level: 1 })).toBeVisible();
  await helen.getByLabel('Search').fill(`BUDDIES ${tag.toUpperCase()}`);
  await helen.getByRole('button', { name: 'Search the library' }).click();
  await expect(helen.getByRole('heading', { name: '1 found' })).toBeVisible();
  await expect(helen.getByRole('link', { name: `Buddy scheme ${tag}` })).toBeVisible();
  await expect(helen.getByText('Trial · Adopted · West of England')).toBeVisible();
  await expectAccessible(helen);
  await shot(helen, `library-${info.project.name}`);
  // Another space, or another kind, finds nothing of it.
  await helen.getByLabel('Space').selectOption({ label: 'South West' });
  await helen.getByRole('button', { name: 'Search the library' }).click();
  await expect(helen.getByRole('heading', { name: 'Nothing found' })).toBeVisible();
  await helen.getByLabel('Space').selectOption({ label: 'Every space' });
  await helen.getByLabel('Kind').selectOption({ label: 'Decisions' });
  await helen.getByRole('button', { name: 'Search the library' }).click();
  await expect(helen.getByRole('heading', { name: 'Nothing found' })).toBeVisible();
});
