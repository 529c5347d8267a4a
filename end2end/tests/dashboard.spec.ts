import { expect, test, type Browser, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import { desktop, expectAccessible, person, phone, shot } from './helpers';


/** Elements that stick out past the right edge of the screen (nothing should, at 360 px). */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((e) => `${e.tagName.toLowerCase()}.${e.getAttribute('class')}`),
  );
}

/** The dashboard's CSV asked for by someone not signed in. */
async function anonymousCsv(browser: Browser) {
  const context = await browser.newContext();
  const response = await context.request.get('/spaces/west-of-england/dashboard.csv');
  await context.close();
  return response;
}

test("a region's dashboard: the convener opens it from the region's page and changes the period; a member of another region reads it too", async ({ browser }, info) => {
  const viewport = info.project.name === 'phone' ? phone : desktop;
  const hein = (await person(browser, viewport, 'hein@demo.q-commons.org')).page;
  await hein.goto('/spaces/west-of-england');
  await hein.getByRole('link', { name: 'Dashboard' }).click();
  await expect(hein.getByRole('heading', { name: 'Dashboard of West of England', level: 1 })).toBeVisible();
  // Thirteen measures, each a run chart that says what it shows (or that it has nothing
  // to show yet), with its numbers beside it.
  const measures = [
    'Members who joined, a month',
    'Members who took part, a month',
    'Members who left or lapsed, a month',
    'Applications waiting at the end of each month',
    'Days from application to decision (median, a month)',
    'Workshops held, a month',
    'Workshop participants, a month',
    'Decisions made, a month',
    'Turnout in decisions, a month (% of those who could take part)',
    'Actions done, a month',
    'Actions open at the end of each month',
    'Actions overdue at the end of each month',
    'Days from action to done (median, a month)',
  ];
  for (const m of measures) await expect(hein.getByRole('region', { name: m, exact: true })).toBeVisible();
  await expect(hein.getByRole('img', { name: 'Members who joined, a month' })).toBeVisible();
  await expect(hein.getByRole('img', { name: 'Applications waiting at the end of each month' })).toBeVisible();
  await expect(hein.getByRole('region', { name: 'Actions open at the end of each month' })).toContainText(/Now \d+ open: \d+ not started and \d+ in progress; \d+ overdue\./);
  await expect(hein.locator('.run-chart figcaption').first()).toContainText('median');
  // Counts are kept for a minute once counted, and the page says when they were taken.
  await expect(hein.getByText(/^Counted at \d{2}:\d{2}; the counts are kept for a minute\.$/)).toBeVisible();
  // The convener also sees what needs them now, each linking to where it is dealt with.
  const needs = hein.getByRole('region', { name: 'What needs you now' });
  await expect(needs.getByRole('heading', { level: 3 })).toHaveText(['Applications waiting longest', 'Overdue actions', 'Terms ending in the next 60 days']);
  // Who holds office until when, for every member to see.
  const terms = hein.getByRole('region', { name: "Conveners' and stewards' terms" });
  await expect(terms.getByRole('listitem').filter({ hasText: 'Hein le Roux' })).toContainText('Convener of West of England');
  await expect(terms.getByRole('listitem').filter({ hasText: 'Sam Okafor' })).toContainText('with no end date');
  await expect(hein.getByRole('region', { name: 'Who belongs, and who takes part' })).toContainText(/% of members and \d+ % of workshop participants|Nobody has taken part in a workshop here/);
  await hein.locator('summary', { hasText: 'The numbers' }).first().click();
  await expect(hein.getByRole('region', { name: 'Members who joined, a month' }).getByRole('row')).toHaveCount(13);
  await expectAccessible(hein);
  expect(await overflowing(hein)).toEqual([]);
  await shot(hein, `dashboard-${info.project.name}`);

  // The period is a plain form.
  await hein.getByLabel('Period').selectOption({ label: 'Last 2 years' });
  await hein.getByRole('button', { name: 'Show' }).click();
  await expect(hein).toHaveURL(/period=24m/);
  await hein.locator('summary', { hasText: 'The numbers' }).first().click();
  await expect(hein.getByRole('region', { name: 'Members who joined, a month' }).getByRole('row')).toHaveCount(25);

  // The numbers download as CSV, a row a month; not for someone not signed in.
  const [download] = await Promise.all([
    hein.waitForEvent('download'),
    hein.getByRole('link', { name: 'Download the numbers (CSV)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('dashboard-west-of-england.csv');
  const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
  expect(csv[0]).toBe('Month,' + measures.map((m) => (m.includes(',') ? `"${m}"` : m)).join(','));
  expect(csv).toHaveLength(25);

  // A value a week instead: the same form; each row is a week, named by its Monday.
  await hein.getByLabel('Values').selectOption({ label: 'A value a week' });
  await hein.getByRole('button', { name: 'Show' }).click();
  await expect(hein).toHaveURL(/grain=week/);
  const weekly = hein.getByRole('region', { name: 'Members who joined, a week' });
  await weekly.locator('summary').click();
  await expect(weekly.getByRole('columnheader', { name: 'Week of' })).toBeVisible();
  // "Last 2 years" is this month and the 23 before it: a row for every week from the one
  // the first of that month falls in to this one (100 to 106 of them, by the day of the
  // month), each named by its Monday, and the header row.
  const day = 24 * 60 * 60 * 1000;
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const monday = (t: number) => t - ((new Date(t).getUTCDay() + 6) % 7) * day;
  const first = monday(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 23, 1));
  const weeks = Math.round((monday(today) - first) / (7 * day)) + 1;
  expect(await weekly.getByRole('row').count()).toBe(weeks + 1);
  await expect(weekly.getByRole('rowheader').first()).toHaveText(new Date(first).toISOString().slice(0, 10));
  await expect(weekly.getByRole('rowheader').last()).toHaveText(new Date(monday(today)).toISOString().slice(0, 10));
  await expect(hein.getByText(/, a value a week\. Every member can read this page\./)).toBeVisible();
  await expectAccessible(hein);
  expect((await anonymousCsv(browser)).status()).toBe(401);

  // Every region side by side, each measure on one scale.
  await hein.getByRole('link', { name: 'Every region side by side' }).click();
  await expect(hein.getByRole('heading', { name: 'Dashboard of the commons', level: 1 })).toBeVisible();
  const joined = hein.getByRole('region', { name: 'Members who joined, a week' });
  await expect(joined.getByRole('heading', { level: 3 })).toContainText(['North East and North Cumbria', 'South West', 'West of England', 'National commons stewardship group']);
  await expect(joined.getByRole('img')).toHaveCount(4);
  await expect(hein.getByText(/^Counted at \d{2}:\d{2}; the counts are kept for a minute\.$/)).toBeVisible();
  await expectAccessible(hein);
  expect(await overflowing(hein)).toEqual([]);
  await shot(hein, `dashboard-national-${info.project.name}`);

  // Helen, from South West, reads the same page.
  const helen = (await person(browser, viewport, 'helen@demo.q-commons.org')).page;
  await helen.goto('/spaces/west-of-england/dashboard?period=3m');
  await expect(helen.getByRole('heading', { name: 'Dashboard of West of England', level: 1 })).toBeVisible();
  await expect(helen.getByRole('region', { name: 'Members who took part, a month' })).toBeVisible();
  await expect(helen.getByRole('region', { name: 'What needs you now' })).toHaveCount(0);
  await expect(helen.getByRole('region', { name: "Conveners' and stewards' terms" })).toContainText('Convener of West of England');
  await expectAccessible(helen);
});
