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

/** iCalendar text with its folded lines joined again (RFC 5545 §3.1). */
const unfolded = (text: string) => text.replace(/\r\n[ \t]/g, '');

// Each project runs its own meeting, so the two running at once do not collide.
test('a convener runs a meeting from agenda to minutes with an action, and members read it and take it to their calendars', async ({ browser }, info) => {
  const viewport = info.project.name === 'phone' ? phone : desktop;
  const title = `Stewardship group (${info.project.name} ${Date.now().toString(36)})`;
  const hein = (await person(browser, viewport, 'hein@demo.q-commons.org')).page;

  // The region's page shows its next meeting and leads to its meetings.
  await hein.goto('/spaces/west-of-england');
  await expect(hein.getByRole('heading', { name: 'Next meetings' })).toBeVisible();
  await hein.getByRole('link', { name: 'Meetings', exact: true }).click();
  await expect(hein.getByRole('heading', { name: 'Meetings of West of England', level: 1 })).toBeVisible();

  // A meeting already held is recorded: refused first, whole, then scheduled.
  await hein.getByRole('button', { name: 'Schedule meeting' }).click();
  await expect(hein.locator('#field-title-error')).toContainText('Give it a title.');
  await hein.getByLabel('Title').fill(title);
  // Held two days ago: within what calendars are sent (the last three months on).
  const held = new Date(Date.now() - 2 * 86_400_000);
  const day = `${held.getUTCDate()} ${held.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })} ${held.getUTCFullYear()}`;
  await hein.getByLabel('Starts (UK time)').fill(`${held.toISOString().slice(0, 10)}T10:00`);
  await hein.getByLabel('How long, in minutes').fill('90');
  await hein.getByLabel('Place').fill('Engine Shed, Bristol');
  await hein.getByLabel('Call link').fill('javascript:alert(1)');
  await hein.getByRole('button', { name: 'Schedule meeting' }).click();
  await expect(hein.locator('#field-call_link-error')).toContainText('starting https://');
  await hein.getByLabel('Call link').fill('https://meet.example.org/q-west');
  await hein.getByRole('button', { name: 'Schedule meeting' }).click();
  await expect(hein.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(hein.getByText(`10:00 on ${day} (UK time), 1 hour 30 minutes`)).toBeVisible();

  // The agenda: two items, the second moved up.
  for (const item of ['Patients on the panel', 'Spring events budget']) {
    await hein.getByLabel('Item', { exact: true }).fill(item);
    await hein.getByRole('button', { name: 'Add item' }).click();
    await expect(hein.getByRole('heading', { name: item, level: 3 })).toBeVisible();
  }
  await hein.getByRole('button', { name: 'Move up “Spring events budget”' }).click();
  await expect(hein.locator('.agenda__item h3')).toHaveText(['Spring events budget', 'Patients on the panel']);

  // Who came.
  await hein.getByLabel('Who').selectOption({ label: 'Sam Okafor' });
  await hein.getByRole('button', { name: 'Record' }).click();
  await expect(hein.getByRole('listitem').filter({ hasText: 'Sam Okafor — Present' })).toBeVisible();

  // Minutes and an action from the item about the panel.
  const panel = hein.locator('.agenda__item', { hasText: 'Patients on the panel' });
  await panel.getByRole('button', { name: 'Save minutes' }).click();
  await expect(panel.getByText('Write what was said and agreed.')).toBeVisible();
  await panel.getByLabel('Minutes').fill('Agreed to invite two patients to the panel.');
  await panel.getByRole('button', { name: 'Save minutes' }).click();
  const minuted = hein.locator('.agenda__item', { hasText: 'Patients on the panel' });
  await expect(minuted.locator('.minutes')).toContainText('Agreed to invite two patients to the panel.');
  await minuted.getByText('Give an action from this item').click();
  await minuted.getByLabel('Action').fill('Write to the two patients');
  await minuted.getByLabel('Owner').selectOption({ label: 'Sam Okafor' });
  await minuted.getByLabel('Due').fill('2027-02-01');
  await minuted.getByRole('button', { name: 'Add action' }).click();
  await expect(hein.getByText('Write to the two patients — Sam Okafor, due 1 February 2027 (Open)')).toBeVisible();
  await expectAccessible(hein);
  await fits(hein);
  await shot(hein, `meeting-${info.project.name}`);
  const meeting = hein.url();

  // A member of another region reads it all, without the forms.
  const helen = (await person(browser, viewport, 'helen@demo.q-commons.org')).page;
  await helen.goto(meeting);
  await expect(helen.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(helen.getByText('Agreed to invite two patients to the panel.')).toBeVisible();
  await expect(helen.getByRole('button', { name: 'Save minutes' })).toHaveCount(0);
  await expect(helen.getByRole('button', { name: 'Add item' })).toHaveCount(0);
  await expectAccessible(helen);

  // The space's calendar, downloaded.
  await hein.goto('/spaces/west-of-england/meetings');
  const [download] = await Promise.all([
    hein.waitForEvent('download'),
    hein.getByRole('link', { name: 'Download the calendar (iCalendar)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('calendar-west-of-england.ics');
  const ics = unfolded(await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8'));
  expect(ics).toContain('BEGIN:VCALENDAR');
  expect(ics).toContain(`SUMMARY:${title} — West of England`);
  await expectAccessible(hein);
  await shot(hein, `meetings-${info.project.name}`);

  // Sam's own calendar address, fetched as a calendar app would: without signing in.
  const sam = (await person(browser, viewport, 'sam@demo.q-commons.org')).page;
  await sam.goto('/account');
  await sam.getByRole('button', { name: 'Make a new address' }).click();
  const address = sam.getByLabel('Your secret address');
  await expect(address).toHaveValue(/\/calendar\/[A-Za-z0-9_-]+\.ics$/);
  const url = new URL(await address.inputValue());
  const anonymous = await browser.newContext();
  const feed = await anonymous.request.get(url.pathname);
  expect(feed.status()).toBe(200);
  expect(feed.headers()['content-type']).toContain('text/calendar');
  const text = unfolded(await feed.text());
  expect(text).toContain(`SUMMARY:${title} — West of England`);
  expect(text).toContain('SUMMARY:Action due: Write to the two patients');
  await expectAccessible(sam);
  await fits(sam);
  await shot(sam, `calendar-address-${info.project.name}`);
  // A new address retires the old one.
  await sam.getByRole('button', { name: 'Make a new address' }).click();
  await expect(address).not.toHaveValue(url.toString());
  expect((await anonymous.request.get(url.pathname)).status()).toBe(404);
});
