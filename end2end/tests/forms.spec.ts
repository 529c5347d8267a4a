import { expect, test, type Page } from '@playwright/test';
import { PASSWORD, uniqueEmail } from './helpers';

// Every form here is a plain HTML form until (or unless) a script arrives. A form that
// fails comes back with what was typed in place (never a password), one message per
// field, and the address it was sent from, nothing appended.
test.use({ javaScriptEnabled: false });

/** The address is the page's own: no `__path`/`__err` left behind. */
async function expectCleanAddress(page: Page, path: string) {
  const url = new URL(page.url());
  expect(url.pathname + url.search).toBe(path);
}

/** One message for each named field, none for the rest. */
async function expectErrorsOn(page: Page, fields: string[]) {
  await expect(page.locator('.field__error')).toHaveCount(fields.length);
  for (const field of fields) await expect(page.locator(`#field-${field}-error`)).toHaveCount(1);
}

test('sign-in and registration come back with what was typed, never the password', async ({ page }) => {
  // An address of its own: the sign-in limiter counts failures per address.
  const nobody = uniqueEmail('nobody');
  await page.goto('/sign-in');
  await page.getByLabel('E-mail address').fill(nobody);
  await page.getByLabel('Password').fill('wrong password here');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('#field-password-error')).toHaveText(/do not match an account/);
  await expectCleanAddress(page, '/sign-in');
  await expect(page.getByLabel('E-mail address')).toHaveValue(nobody);
  await expect(page.getByLabel('Password')).toHaveValue('');
  // Again, without retyping the e-mail: the same single message, the same clean address.
  await page.getByLabel('Password').fill('still the wrong one');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expectErrorsOn(page, ['password']);
  await expectCleanAddress(page, '/sign-in');
  await expect(page.getByLabel('E-mail address')).toHaveValue(nobody);
  // A reload is a fresh form: the input was shown once.
  await page.reload();
  await expect(page.getByLabel('E-mail address')).toHaveValue('');
  await expectErrorsOn(page, []);

  await page.goto('/register');
  await page.getByLabel('Your name').fill('Noor Script');
  await page.getByLabel('E-mail address').fill('not-an-address');
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectErrorsOn(page, ['email', 'password']);
  await expectCleanAddress(page, '/register');
  await expect(page.getByLabel('Your name')).toHaveValue('Noor Script');
  await expect(page.getByLabel('E-mail address')).toHaveValue('not-an-address');
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  // Correct what was wrong, and only that.
  await page.getByLabel('E-mail address').fill(uniqueEmail('noor'));
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('link', { name: 'Signed in as Noor Script' })).toBeVisible();

  // An application keeps its region, perspectives and words.
  await page.goto('/apply');
  await page.getByLabel('Your region').selectOption({ label: 'West of England' });
  await page.getByLabel('Carer').check();
  await page.getByLabel('Researcher').check();
  await page.getByLabel('Organisation (optional)').fill('University of Bristol');
  await page.getByLabel('I agree that the community holds the perspectives I chose').check();
  await page.getByRole('button', { name: 'Send application' }).click();
  await expectErrorsOn(page, ['reason']);
  await expectCleanAddress(page, '/apply');
  await expect(page.getByLabel('Your region')).toHaveValue('west-of-england');
  await expect(page.getByLabel('Carer')).toBeChecked();
  await expect(page.getByLabel('Researcher')).toBeChecked();
  await expect(page.getByLabel('Patient', { exact: true })).not.toBeChecked();
  await expect(page.getByLabel('Organisation (optional)')).toHaveValue('University of Bristol');
  await expect(page.getByLabel('I agree that the community holds the perspectives I chose')).toBeChecked();
  await page.getByLabel('Why you want to join').fill('I care for my father and study hospital discharge.');
  await page.getByRole('button', { name: 'Send application' }).click();
  await expect(page.getByRole('status')).toContainText('Your application to join West of England');
});

test('a new workshop and joining one come back with what was typed', async ({ page, browser }) => {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail address').fill('hein@demo.q-commons.org');
  await page.getByLabel('Password').fill('commons-demo-2018');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('link', { name: /Signed in as/ })).toBeVisible();

  await page.goto('/workshops/new');
  const purpose = 'Find out what makes discharge on a Friday hard, in the words of those who live it.';
  await page.getByLabel('Purpose').fill(purpose);
  await page.getByLabel('The question for idea capture').fill('What would make Friday discharge easier?');
  await page.getByLabel('Notes are anonymous').check();
  await page.getByRole('button', { name: 'Create the workshop' }).click();
  await expectErrorsOn(page, ['title']);
  await expectCleanAddress(page, '/workshops/new');
  await expect(page.getByLabel('Purpose')).toHaveValue(purpose);
  await expect(page.getByLabel('The question for idea capture')).toHaveValue('What would make Friday discharge easier?');
  await expect(page.getByLabel('Notes are anonymous')).toBeChecked();
  await expect(page.getByLabel('Show vote totals live')).not.toBeChecked();
  const title = `Friday discharge ${Date.now().toString(36)}`;
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Create the workshop' }).click();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  const code = (await page.locator('.join-line .code').innerText()).replace('-', '');

  // A guest on their own phone, also without scripts.
  const guest = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await guest.goto('/join');
  await guest.getByLabel('Join code').fill('ZZZZZZ');
  await guest.getByRole('button', { name: 'Join' }).click();
  await expectErrorsOn(guest, ['code']);
  await expectCleanAddress(guest, '/join');
  await expect(guest.getByLabel('Join code')).toHaveValue('ZZZZZZ');

  await guest.goto(`/w/${code}`);
  await guest.getByLabel('I take part as').selectOption('carer');
  await guest.getByLabel(/Name me in the workshop's report/).check();
  await guest.getByRole('button', { name: 'Join the workshop' }).click();
  await expectErrorsOn(guest, ['display_name']);
  await expectCleanAddress(guest, `/w/${code}`);
  await expect(guest.getByLabel('I take part as')).toHaveValue('carer');
  await expect(guest.getByLabel(/Name me in the workshop's report/)).toBeChecked();
  await guest.getByLabel('Your name, as others will see it').fill('Gus');
  await guest.getByRole('button', { name: 'Join the workshop' }).click();
  await expect(guest.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(guest.getByRole('button', { name: 'Join the workshop' })).toHaveCount(0);
});
