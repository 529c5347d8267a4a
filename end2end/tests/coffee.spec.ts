import { expect, test, type Page } from '@playwright/test';
import { desktop, expectAccessible, person, phone, shot } from './helpers';

/** Nothing sticks out past the right edge of the screen. */
async function fits(page: Page) {
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((e) => e.tagName.toLowerCase()),
  );
  expect(wide).toEqual([]);
}

async function join(page: Page) {
  await page.goto('/account');
  const coffee = page.getByRole('button', { name: 'Join the monthly coffee draw' });
  await coffee.click();
  await expect(page.getByText('You are in the monthly draw.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Leave the coffee draw' })).toBeVisible();
}

test('members join the monthly coffee draw, the project team draws a month, and each is told whom they meet', async ({ browser }, info) => {
  // The draw is shared by the whole community: one project draws; the phone looks.
  test.skip(info.project.name === 'phone', 'the draw runs once; the phone test below reads the same pages');
  const people = ['hein', 'helen', 'sam', 'karen'];
  const pages: Record<string, Page> = {};
  for (const who of people) {
    pages[who] = (await person(browser, desktop, `${who}@demo.q-commons.org`)).page;
    await join(pages[who]);
  }
  await expect(pages.karen.getByText('4 members are in the draw.')).toBeVisible();
  await expectAccessible(pages.karen);
  await shot(pages.karen, 'coffee-account-desktop');

  const priya = (await person(browser, desktop, 'priya@demo.q-commons.org')).page;
  await priya.goto('/admin');
  const draw = priya.getByRole('region', { name: 'Randomised coffee' });
  await expect(draw.getByText('No month has been drawn yet.')).toBeVisible();
  await draw.getByLabel('Month').fill('2030-01');
  await draw.getByRole('button', { name: 'Draw the pairs' }).click();
  await expect(draw.getByRole('listitem')).toHaveText(['January 2030: 2 pairs.']);
  // A month is drawn once: asked again, it says so and draws nothing.
  await draw.getByLabel('Month').fill('2030-01');
  await draw.getByRole('button', { name: 'Draw the pairs' }).click();
  await expect(draw.getByText("January 2030's coffee pairs were drawn already.")).toBeVisible();
  await expect(draw.getByRole('listitem')).toHaveCount(1);
  // Not a month at all.
  await draw.getByLabel('Month').fill('next month');
  await draw.getByRole('button', { name: 'Draw the pairs' }).click();
  await expect(draw.getByText('Give the month as YYYY-MM, e.g. 2026-11.')).toBeVisible();
  await expectAccessible(priya);
  await shot(priya, 'coffee-admin-desktop');

  // Each sees whom they were drawn with, and was told by e-mail with the other's address.
  await pages.hein.goto('/account');
  const notice = pages.hein.getByRole('status').filter({ hasText: 'In January 2030 you were drawn with' });
  await expect(notice).toBeVisible();
  const partner = (await notice.innerText()).match(/drawn with (.+) — (\S+)\.$/);
  expect(partner).not.toBeNull();
  await pages.hein.goto('/outbox');
  const mail = pages.hein.locator('.outbox__item', { hasText: 'To hein@demo.q-commons.org' }).filter({ hasText: 'Coffee in January 2030' });
  await expect(mail).toContainText(`Coffee in January 2030: you and ${partner![1]}`);
  await expect(mail).toContainText(partner![2]);

  // Leaving the draw.
  await pages.karen.goto('/account');
  await pages.karen.getByRole('button', { name: 'Leave the coffee draw' }).click();
  await expect(pages.karen.getByRole('button', { name: 'Join the monthly coffee draw' })).toBeVisible();
});

test('the coffee draw on a phone: the account page and the administration page fit a 360 px screen', async ({ browser }, info) => {
  test.skip(info.project.name !== 'phone', 'the phone layout');
  const priya = (await person(browser, phone, 'priya@demo.q-commons.org')).page;
  await priya.goto('/admin');
  await expect(priya.getByRole('heading', { name: 'Randomised coffee' })).toBeVisible();
  await expectAccessible(priya);
  await fits(priya);
  await shot(priya, 'coffee-admin-phone');
  const sam = (await person(browser, phone, 'sam@demo.q-commons.org')).page;
  await sam.goto('/account');
  await expect(sam.getByRole('heading', { name: 'Randomised coffee' })).toBeVisible();
  await expect(sam.getByRole('button', { name: /coffee draw/ })).toBeVisible();
  await expectAccessible(sam);
  await fits(sam);
  await shot(sam, 'coffee-account-phone');
});
