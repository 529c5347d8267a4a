import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import { desktop, expectAccessible, hydrated, person, phone, signIn, shot } from './helpers';



async function joinAsGuest(page: Page, code: string, name: string, perspective: string, named = false) {
  await page.goto(`/w/${code}`);
  await hydrated(page);
  await page.getByLabel('Your name, as others will see it').fill(name);
  await page.getByLabel('I take part as').selectOption({ label: perspective });
  if (named) await page.getByLabel(/Name me in the workshop's report/).check();
  await page.getByRole('button', { name: 'Join the workshop' }).click();
  await expect(page.getByText('Waiting for the facilitator to start')).toBeVisible();
  await hydrated(page);
  await expect(page.getByText('● Live')).toBeVisible();
}

async function addActivity(fac: Page, kind: string, prompt: string, options?: string) {
  const add = fac.locator('details', { has: fac.locator('summary', { hasText: 'Add an activity' }) });
  if (!(await add.evaluate((d) => (d as HTMLDetailsElement).open))) await add.locator('summary').click();
  await fac.getByLabel('Kind').selectOption({ label: kind });
  await fac.getByLabel('Prompt').fill(prompt);
  if (options) await fac.getByLabel('Options, one a line').fill(options);
  await fac.getByRole('button', { name: 'Add to the agenda' }).click();
  await expect(fac.locator('.agenda')).toContainText(prompt);
}

async function dots(page: Page, theme: string, n: number) {
  for (let i = 0; i < n; i++) await page.getByRole('button', { name: `Add a dot to ${theme}` }).click();
}

async function rate(page: Page, theme: string, impact: number, effort: number) {
  const item = page.locator('.rating', { has: page.getByRole('heading', { name: theme, exact: true }) });
  await item.getByRole('group', { name: 'Impact' }).getByText(String(impact), { exact: true }).click();
  await item.getByRole('group', { name: 'Effort' }).getByText(String(effort), { exact: true }).click();
  await expect(item.locator('.rating__status')).toHaveText('Rated');
}


/** Elements that stick out past the right edge of the screen (nothing should, at 360 px). */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('main *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-wrap'))
      .map((el) => `${el.tagName.toLowerCase()}.${(el as HTMLElement).className}`)
      .slice(0, 5);
  });
}

/** RFC 4180 CSV into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else if (c !== '\r') cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

test('three perspectives prioritise, poll and reflect; the report shows whose voices shaped it, and actions live on', async ({ browser }, info) => {
  test.skip(info.project.name === 'phone', 'this test sets its own viewports: two phones and two desktops');
  test.setTimeout(240_000);
  const run = Date.now().toString(36);
  const title = `Leaving hospital well ${run}`;
  // Unique to this run, so repeats (--repeat-each) never meet each other's actions.
  const actionText = `Ask the bus company about evening routes ${run}`;

  // The facilitator starts from the usual agenda and adds the three later activities.
  const hein = await person(browser, desktop, 'hein@demo.q-commons.org');
  const fac = hein.page;
  await fac.goto('/workshops/new');
  await hydrated(fac);
  await fac.getByLabel('Title').fill(title);
  await fac.getByLabel('Where it belongs').selectOption({ label: 'West of England' });
  await fac.getByLabel('The question for idea capture').fill('What gets in the way of going home?');
  await fac.getByRole('button', { name: 'Create the workshop' }).click();
  await expect(fac.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await hydrated(fac);
  const code = (await fac.locator('.join-line .code').innerText()).replace('-', '');
  const workshopUrl = fac.url();
  await addActivity(fac, 'Prioritise by impact and effort', 'How much difference, and how hard?');
  // A poll needs two options: a bad form says so and adds nothing.
  await addActivity(fac, 'Poll', 'Which should we try first?', 'Transport\nMedicines');
  await fac.getByLabel('Kind').selectOption({ label: 'Poll' });
  await fac.getByLabel('Prompt').fill('A poll with one option');
  await fac.getByLabel('Options, one a line').fill('Only this');
  await fac.getByRole('button', { name: 'Add to the agenda' }).click();
  await expect(fac.getByRole('alert')).toContainText('at least two options');
  await expect(fac.locator('.agenda')).not.toContainText('A poll with one option');
  await addActivity(fac, 'Reflection', 'Looking back on today');
  await expect(fac.locator('.agenda li')).toHaveCount(6);
  const present = await hein.context.newPage();
  await present.goto(workshopUrl.replace('/run', '/present'));
  await hydrated(present);

  // A patient and a carer on phones, a clinician on a desktop.
  const ana = (await person(browser, phone)).page;
  await joinAsGuest(ana, code, 'Ana', 'Patient', true);
  const cara = (await person(browser, phone)).page;
  await joinAsGuest(cara, code, 'Cara', 'Carer');
  const colin = (await person(browser, desktop)).page;
  await joinAsGuest(colin, code, 'Colin', 'Clinician');

  await fac.getByRole('button', { name: 'Start the workshop' }).click();
  await ana.getByLabel('Your idea').fill('No bus after six');
  await ana.getByRole('button', { name: 'Post note' }).click();
  await colin.getByLabel('Your idea').fill('Pharmacy takes hours');
  await colin.getByRole('button', { name: 'Post note' }).click();
  await expect(fac.getByText('Pharmacy takes hours')).toBeVisible();

  await fac.getByRole('button', { name: 'Next activity' }).click();
  for (const theme of ['Transport', 'Medicines']) {
    await fac.getByLabel('New theme').fill(theme);
    await fac.getByRole('button', { name: 'Add theme' }).click();
    await expect(fac.getByRole('heading', { name: theme, level: 3 })).toBeVisible();
  }

  // Dot voting: Transport 3 + 2 + 1, Medicines 0 + 1 + 3.
  await fac.getByRole('button', { name: 'Next activity' }).click();
  await expect(ana.getByText('Dot voting · 3 of 6')).toBeVisible();
  await dots(ana, 'Transport', 3);
  await dots(cara, 'Transport', 2);
  await dots(cara, 'Medicines', 1);
  await dots(colin, 'Transport', 1);
  await dots(colin, 'Medicines', 3);
  await expect(fac.locator('.ballot__item', { hasText: 'Transport' })).toContainText('6 dots in all');
  await expect(fac.locator('.ballot__item', { hasText: 'Medicines' })).toContainText('4 dots in all');

  // Prioritise: ratings stay hidden from participants until the reveal.
  await fac.getByRole('button', { name: 'Next activity' }).click();
  await expect(ana.getByText('Prioritise by impact and effort · 4 of 6')).toBeVisible();
  await rate(ana, 'Transport', 5, 2);
  await rate(cara, 'Transport', 4, 3);
  await rate(colin, 'Transport', 3, 4);
  // Offline, a rating waits and says so; "Rated" only once the server has stored it.
  await colin.context().setOffline(true);
  const medicines = colin.locator('.rating', { has: colin.getByRole('heading', { name: 'Medicines', exact: true }) });
  await medicines.getByRole('group', { name: 'Impact' }).getByText('5', { exact: true }).click();
  await medicines.getByRole('group', { name: 'Effort' }).getByText('3', { exact: true }).click();
  await expect(medicines.locator('.rating__status')).toHaveText('Sending…');
  await expect(colin.locator('.outbox')).toContainText('Waiting to send 1 change');
  await colin.context().setOffline(false);
  await expect(medicines.locator('.rating__status')).toHaveText('Rated');
  await expect(fac.locator('.chart__legend')).toContainText('Medicines: impact 5.0');
  await expectAccessible(ana);
  await shot(ana, 'prioritise-phone');
  expect(await overflowing(ana)).toEqual([]);
  await expect(ana.locator('.chart')).toHaveCount(0);
  await expect(present.getByText('Results show when revealed')).toBeVisible();
  await expect(fac.locator('.chart__legend')).toContainText('Transport: impact 4.0 (middle half 3–5, all 3–5), effort 3.0');
  await fac.getByRole('button', { name: 'Reveal' }).click();
  await expect(cara.locator('.chart__legend')).toContainText('Medicines: impact 5.0');
  await expect(cara.getByRole('img', { name: /Impact against effort/ })).toBeVisible();
  await shot(cara, 'prioritise-revealed-phone');
  await expect(present.locator('.chart__legend')).toContainText('Transport: impact 4.0');
  await shot(fac, 'prioritise-console-desktop');

  // Poll: one choice each; results hidden until the reveal, then live.
  await fac.getByRole('button', { name: 'Next activity' }).click();
  await expect(ana.getByRole('group', { name: 'Which should we try first?' })).toBeVisible();
  await ana.getByText('Transport', { exact: true }).click();
  await cara.getByText('Medicines', { exact: true }).click();
  await cara.getByText('Transport', { exact: true }).click();
  await colin.getByText('Medicines', { exact: true }).click();
  await expect(fac.locator('.results')).toContainText('2 (67%)');
  await expect(ana.locator('.results')).toHaveCount(0);
  await fac.getByRole('button', { name: 'Reveal' }).click();
  await expect(ana.locator('.results')).toContainText('1 (33%)');
  await shot(ana, 'poll-phone');
  await expect(present.locator('.results')).toContainText('2 (67%)');
  await expectAccessible(colin);
  // Opened afresh on the poll, Ana's phone fetches the later activities' code beside the
  // main WASM (the page names it for preloading), once, and takes over the server's page:
  // one poll, her answer still chosen, and still live.
  await ana.reload();
  await hydrated(ana);
  await expect(ana.locator('link[rel="preload"][href*="later_activities"]')).toHaveCount(1);
  expect(await ana.evaluate(() =>
    performance.getEntriesByType('resource').filter((e) => e.name.includes('later_activities')).length,
  )).toBe(1);
  await expect(ana.getByRole('heading', { name: 'Poll', level: 2 })).toHaveCount(1);
  await expect(ana.getByRole('radio', { name: 'Transport' })).toBeChecked();
  await ana.getByRole('radio', { name: 'Medicines' }).check();
  await expect(fac.locator('.results li', { hasText: 'Medicines' })).toContainText('2 (67%)');
  await expect(ana.getByRole('radio', { name: 'Medicines' })).toBeChecked();
  await ana.getByRole('radio', { name: 'Transport' }).check();
  await expect(fac.locator('.results li', { hasText: 'Transport' })).toContainText('2 (67%)');

  // Reflection: Cara shares without her name.
  await fac.getByRole('button', { name: 'Next activity' }).click();
  await ana.getByLabel('Your reflection').fill('Being heard first worked');
  await ana.getByRole('button', { name: 'Share reflection' }).click();
  await cara.getByRole('group', { name: 'Which question are you answering?' }).getByText('What I learned').click();
  await cara.getByLabel('Your reflection').fill('Ask carers earlier');
  await cara.getByLabel('Share without my name').check();
  await cara.getByRole('button', { name: 'Share reflection' }).click();
  await expect(colin.locator('.note', { hasText: 'Ask carers earlier' })).toContainText('Anonymous');
  await expect(colin.locator('.note', { hasText: 'Being heard first worked' })).toContainText('Ana');
  await expect(present.locator('.note', { hasText: 'Ask carers earlier' })).not.toContainText('Cara');
  await expectAccessible(present);
  await shot(present, 'reflection-present');
  await expectAccessible(cara);
  await shot(cara, 'reflection-phone');
  await fac.getByRole('button', { name: 'Finish' }).click();

  // The report: who took part, the breakdown the votes imply, divergence, chart, poll.
  await fac.getByRole('link', { name: 'Report and actions' }).click();
  await expect(fac.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await hydrated(fac);
  await expect(fac.getByRole('region', { name: 'Who took part' })).toContainText('3 participants; 3 of them joined as guests');
  const transportRow = fac.getByRole('row', { name: /Transport/ });
  await expect(transportRow.locator('td').first()).toHaveText('1');
  await expect(transportRow).toContainText('Patient 3 (50%), Carer 2 (33%), Clinician 1 (17%)');
  await expect(fac.getByRole('row', { name: /Medicines/ })).toContainText('Carer 1 (25%), Clinician 3 (75%)');
  await expect(fac.locator('.divergence li').first()).toContainText('Transport: 75 points between Patient (most) and Clinician (least)');
  await expect(fac.locator('.chart__legend')).toContainText('Transport: impact 4.0');
  await expect(fac.getByRole('region', { name: /Poll/ })).toContainText('Transport2 (67%)Patient 1, Carer 1');
  await expect(fac.getByRole('region', { name: /Poll/ })).toContainText('Medicines1 (33%)Clinician 1');
  await expect(fac.getByRole('region', { name: /Reflection/ })).toContainText('Being heard first worked — Ana');
  await expect(fac.getByRole('region', { name: /Reflection/ })).not.toContainText('Cara');
  // Colin did not agree to be named in the report: his words stay, his name does not.
  await expect(fac.getByRole('main')).not.toContainText('Colin');

  // An action from the Transport theme, for Sam, already overdue.
  await fac.getByLabel('What is to be done').fill(actionText);
  await fac.getByLabel('Owner').selectOption({ label: 'Sam Okafor' });
  await fac.getByLabel('Due').fill('2026-01-15');
  await fac.getByLabel('From theme or note').selectOption({ label: 'Theme: Transport' });
  await fac.getByRole('button', { name: 'Add the action' }).click();
  const action = fac.locator('.action', { hasText: actionText });
  await expect(action).toContainText('Owner: Sam Okafor');
  await expect(action).toContainText('Overdue');
  await expect(action).toContainText('Theme: Transport');
  await expectAccessible(fac);
  await shot(fac, 'report-desktop');
  // "Propose this" on a theme starts a draft that links back to the workshop.
  await fac.getByRole('link', { name: /^Propose this\s*: Transport$/ }).click();
  await expect(fac.getByRole('heading', { name: 'Start a proposal' })).toBeVisible();
  await expect(fac.locator('.notice', { hasText: `From the workshop “${title}”` })).toBeVisible();
  await expect(fac.getByLabel('Title', { exact: true })).toHaveValue('Transport');
  await expect(fac.getByLabel('What you propose, and why')).toHaveValue(/the theme “Transport” \(\d+ notes?\)/);
  await expectAccessible(fac);
  await shot(fac, 'propose-from-workshop-desktop');
  await fac.getByLabel('Title', { exact: true }).fill(`Transport home: ${title}`);
  await fac.getByRole('button', { name: 'Save the draft' }).click();
  await expect(fac.getByRole('heading', { name: `Transport home: ${title}`, level: 1 })).toBeVisible();
  await expect(fac.getByRole('link', { name: title })).toHaveAttribute('href', /\/workshops\/\d+\/report$/);
  await fac.getByRole('link', { name: title }).click();
  await expect(fac.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await hydrated(fac);
  if (process.env.SCREENSHOTS) {
    await fac.emulateMedia({ media: 'print' });
    await shot(fac, 'report-print');
    await fac.emulateMedia({ media: 'screen' });
  }

  // The CSV downloads and parses: every note, dot, rating, choice and reflection.
  const [download] = await Promise.all([
    fac.waitForEvent('download'),
    fac.getByRole('link', { name: 'Download the raw records (CSV)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^\d{4}-\d{2}-\d{2}-leaving-hospital-well-[a-z0-9]+\.csv$/);
  const rows = parseCsv(fs.readFileSync(await download.path(), 'utf8'));
  expect(rows[0]).toEqual(['record', 'activity', 'participant', 'perspective', 'theme', 'item', 'value', 'text']);
  const count = (kind: string) => rows.filter((r) => r[0] === kind).length;
  expect([count('note'), count('dots'), count('impact'), count('effort'), count('poll choice'), count('reflection')]).toEqual([2, 5, 4, 4, 3, 2]);
  const anaDots = rows.find((r) => r[0] === 'dots' && r[2] === 'Ana');
  expect(anaDots?.slice(3, 7)).toEqual(['Patient', 'Transport', '', '3']);
  // Colin's rows read together under a number, not his name.
  expect(rows.some((r) => r[2].includes('Colin'))).toBe(false);
  expect(rows.find((r) => r[7] === 'Pharmacy takes hours')?.[2]).toBe('Participant 3');
  const learned = rows.find((r) => r[7] === 'Ask carers earlier');
  expect(learned?.[2]).toBe('');
  expect(learned?.[3]).toBe('Carer');
  const [markdown] = await Promise.all([
    fac.waitForEvent('download'),
    fac.getByRole('link', { name: 'Download Markdown' }).click(),
  ]);
  const md = fs.readFileSync(await markdown.path(), 'utf8');
  expect(md).toContain('| 1 | Transport | 6 | Patient 3 (50%), Carer 2 (33%), Clinician 1 (17%) |');

  // A participant reads the report from their phone.
  await expect(ana.getByRole('link', { name: 'Read the report' })).toBeVisible();
  await ana.getByRole('link', { name: 'Read the report' }).click();
  await expect(ana.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(ana.locator('.action')).toContainText(actionText);
  await expect(ana.getByLabel(/Status of/)).toHaveCount(0);
  // The raw records are for the facilitator and the space's stewards and convener only.
  await expect(ana.getByRole('link', { name: /raw records/ })).toHaveCount(0);
  const id = workshopUrl.match(/workshops\/(\d+)\/run/)?.[1];
  expect((await ana.request.get(`/workshops/${id}/report.csv`)).status()).toBe(403);
  expect((await ana.request.get(`/workshops/${id}/report.md`)).status()).toBe(200);
  await expectAccessible(ana);
  await shot(ana, 'report-phone');
  expect(await overflowing(ana)).toEqual([]);

  // The action is in Sam's list; he moves it on, and the history says who and when.
  const sam = (await person(browser, phone, 'sam@demo.q-commons.org')).page;
  await sam.goto('/actions');
  await hydrated(sam);
  const mine = sam.locator('.action', { hasText: actionText });
  await expect(mine).toContainText('Overdue');
  await mine.getByLabel(/Status of/).selectOption({ label: 'In progress' });
  await mine.getByRole('button', { name: 'Update' }).click();
  await expect(mine.locator('.tag--in_progress')).toHaveText('In progress');
  await mine.getByText('History').click();
  await expect(mine.locator('.action__history')).toContainText('In progress by Sam Okafor');
  await expectAccessible(sam);
  await shot(sam, 'actions-phone');

  // The space's archive finds it by a theme, with its turnout and open actions.
  await fac.goto('/spaces/west-of-england/workshops?q=transport');
  await hydrated(fac);
  const entry = fac.locator('.archive__item', { hasText: title });
  await expect(entry).toContainText('3 took part: Patient 1, Carer 1, Clinician 1');
  await expect(entry).toContainText('Themes: Transport · Medicines');
  await expect(entry).toContainText('1 open action');
  await expect(fac.locator('.action', { hasText: actionText })).toContainText('In progress');
  await expectAccessible(fac);
  await shot(fac, 'archive-desktop');
  await fac.getByLabel('Search by title, purpose or theme').fill('dentistry');
  await fac.getByRole('button', { name: 'Search' }).click();
  await expect(fac.getByText('No workshops match.')).toBeVisible();

  // Its agenda saved as a template starts the next workshop.
  await fac.goto(workshopUrl);
  await hydrated(fac);
  await fac.getByText('Save this agenda as a template').click();
  await fac.getByLabel('Template name').fill(`Agenda of ${title}`);
  await fac.getByRole('button', { name: 'Save template' }).click();
  await expect(fac.getByText('Saved. It is offered')).toBeVisible();
  await fac.goto('/workshops/new');
  await hydrated(fac);
  await fac.getByLabel('Title').fill(`${title}, again`);
  await fac.getByLabel('Agenda').selectOption({ label: `Agenda of ${title}` });
  await fac.getByRole('button', { name: 'Create the workshop' }).click();
  await expect(fac.getByRole('heading', { name: `${title}, again`, level: 1 })).toBeVisible();
  await expect(fac.locator('.agenda li')).toHaveCount(6);
  await expect(fac.locator('.agenda')).toContainText('Which should we try first?');
});

test('a shipped template starts a workshop, and a report is closed to those who were not there', async ({ page, request, browser }) => {
  await signIn(page, 'helen@demo.q-commons.org', 'commons-demo-2018');
  await expect(page.getByRole('link', { name: /Signed in as/ })).toBeVisible();
  await page.goto('/workshops/new');
  await hydrated(page);
  await expectAccessible(page);
  await page.getByLabel('Title').fill(`Trial review ${Date.now().toString(36)}`);
  await page.getByLabel('Agenda').selectOption({ label: 'Reflect on a trial' });
  await page.getByRole('button', { name: 'Create the workshop' }).click();
  await expect(page.locator('.agenda li')).toHaveCount(4);
  await expect(page.locator('.agenda')).toContainText('Should we adopt, adapt or abandon what we tried?');
  const id = page.url().match(/workshops\/(\d+)\/run/)?.[1];
  expect(id).toBeTruthy();
  // Nobody signed in, then a member who was not there: no report, no export.
  expect((await request.get(`/workshops/${id}/report.csv`)).status()).toBe(401);
  const sam = await browser.newContext();
  const samPage = await sam.newPage();
  await signIn(samPage, 'sam@demo.q-commons.org', 'commons-demo-2018');
  await expect(samPage.getByRole('link', { name: /Signed in as/ })).toBeVisible();
  expect((await samPage.request.get(`/workshops/${id}/report.md`)).status()).toBe(403);
  await samPage.goto(`/workshops/${id}/report`);
  await expect(samPage.getByText('You do not have permission to do that.')).toBeVisible();
  await sam.close();
  await page.goto('/actions');
  await expect(page.getByRole('heading', { name: 'My actions' })).toBeVisible();
  await expectAccessible(page);
});
