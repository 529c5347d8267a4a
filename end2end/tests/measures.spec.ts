import { expect, test } from '@playwright/test';
import { desktop, expectAccessible, person, phone, shot } from './helpers';

// Each project defines its own measure, so the two running at once do not collide.
test("a steward defines a measure, pastes two years of data with one bad line, sees the run chart's shift and notes a change", async ({ browser }, info) => {
  const viewport = info.project.name === 'phone' ? phone : desktop;
  const name = `Patients called back within 2 days (${info.project.name} ${Date.now().toString(36)})`;
  const sam = (await person(browser, viewport, 'sam@demo.q-commons.org')).page;
  await sam.goto('/spaces/west-of-england');
  await sam.getByRole('link', { name: 'Measures' }).click();
  await expect(sam.getByRole('heading', { name: 'Measures of West of England', level: 1 })).toBeVisible();
  await sam.getByRole('button', { name: 'Define measure' }).click();
  await expect(sam.locator('#field-name-error')).toContainText('Name the measure');
  await sam.getByLabel('Name', { exact: true }).fill(name);
  await sam.getByLabel('Unit').fill('%');
  await sam.getByLabel('Which way is better').selectOption({ label: 'Higher is better' });
  await sam.getByLabel('Target (optional)').fill('90');
  await sam.getByRole('button', { name: 'Define measure' }).click();
  await expect(sam.getByRole('heading', { name, level: 1 })).toBeVisible();

  // 24 months, the second year higher after the call-back rota; line 7 is wrong.
  const lines = ['month,percent'];
  for (let i = 0; i < 24; i++) {
    const month = `${2025 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    lines.push(`${month}, ${i === 5 ? 'sixty' : (i < 12 ? 60 : 75) + (i % 3)}`);
  }
  await sam.getByLabel('Points, one a line').fill(lines.join('\n'));
  await sam.getByRole('button', { name: 'Add data' }).click();
  await expect(sam.locator('#field-points-error')).toContainText('Line 7: “sixty” is not a number.');
  await expect(sam.getByText('The data (0 points)')).toBeVisible();
  lines[6] = '2025-06, 61';
  await sam.getByLabel('Points, one a line').fill(lines.join('\n'));
  await sam.getByRole('button', { name: 'Add data' }).click();
  await expect(sam.getByText('The data (24 points)')).toBeVisible();
  const chart = sam.getByRole('img', { name: new RegExp(`^${name.replace(/[()]/g, '\\$&')}`) });
  await expect(chart).toBeVisible();
  await expect(sam.locator('.run-chart figcaption')).toContainText('shift');

  await sam.getByLabel('Date').fill('2026-01-05');
  await sam.getByLabel('What changed or happened').fill('Started the call-back rota');
  await sam.getByRole('button', { name: 'Add note' }).click();
  await expect(sam.getByRole('listitem').filter({ hasText: '5 Jan 2026: Started the call-back rota' })).toBeVisible();
  await expect(sam.locator('.run-chart__note')).toHaveCount(1);
  await expectAccessible(sam);
  await shot(sam, `measure-${info.project.name}`);

  // The same data as an SPC chart: the second year's run above the mean is an improvement
  // (higher is better), and the target of 90 lies above the limits: missed every time.
  await sam.goto('/spaces/west-of-england/measures');
  await sam.getByLabel('Name', { exact: true }).fill(`${name} SPC`);
  await sam.getByLabel('Unit').fill('%');
  await sam.getByLabel('Which way is better').selectOption({ label: 'Higher is better' });
  await sam.getByLabel('Target (optional)').fill('90');
  await sam.getByLabel('Chart').selectOption({ label: 'SPC chart (XmR, Making Data Count)' });
  await sam.getByRole('button', { name: 'Define measure' }).click();
  await sam.getByLabel('Points, one a line').fill(lines.join('\n'));
  await sam.getByRole('button', { name: 'Add data' }).click();
  await expect(sam.getByText('The data (24 points)')).toBeVisible();
  await expect(sam.locator('.spc-chart figcaption')).toContainText('Special cause variation: an improvement.');
  await expect(sam.locator('.spc-chart figcaption')).toContainText('The target is missed consistently');
  await expect(sam.locator('.spc-chart__point--improvement').first()).toBeVisible();
  await expectAccessible(sam);
  await shot(sam, `measure-spc-${info.project.name}`);

  // A member of another region reads it, without the forms.
  const helen = (await person(browser, viewport, 'helen@demo.q-commons.org')).page;
  await helen.goto(sam.url());
  await expect(helen.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(helen.getByRole('button', { name: 'Add data' })).toHaveCount(0);
  await expectAccessible(helen);
});
