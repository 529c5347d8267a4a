import { expect, test, type Page } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectAccessible, hydrated, shot } from './helpers';

// From an empty database, as a new community would: `server init`, the first project-team
// member signs in by link, creates a region and its stewardship group, imports members
// from a CSV with one bad line, and appoints a convener; a member downloads their data
// and deletes their account. Each project runs its own server on its own fresh database.
const root = path.resolve(__dirname, '..', '..');
const binary = path.join(root, 'target', 'debug', 'server');

function databaseUrl(): string {
  if (process.env.E2E_DATABASE_URL?.startsWith('postgres')) {
    // A database of its own on the same PostgreSQL, made empty.
    const base = new URL(process.env.E2E_DATABASE_URL);
    const name = `qc_e2e_init_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = ['-h', base.hostname, '-p', base.port || '5432', '-U', base.username || 'postgres', '-d', base.pathname.slice(1)];
    const psql = (sql: string) => execFileSync('psql', [...admin, '-q', '-c', sql]);
    psql(`CREATE DATABASE ${name}`);
    cleanUp = () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    base.pathname = `/${name}`;
    return base.toString();
  }
  return `sqlite://${fs.mkdtempSync(path.join(os.tmpdir(), 'qc-init-'))}/fresh.db`;
}

let server: ChildProcess | undefined;
let cleanUp: (() => void) | undefined;
test.afterEach(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((done) => server!.once('exit', done));
    server.kill('SIGTERM');
    await exited;
  }
  cleanUp?.();
});

async function startServer(env: NodeJS.ProcessEnv, base: string) {
  server = spawn(binary, [], { cwd: root, env, stdio: 'ignore' });
  await expect(async () => {
    const r = await fetch(`${base}/`);
    expect(r.ok).toBe(true);
  }).toPass({ timeout: 60_000 });
}

/** The sign-in link in the newest e-mail to `to`, from this server's outbox page. */
async function invitationFor(page: Page, base: string, to: string): Promise<string> {
  const item = page.locator('.outbox__item', { hasText: `To ${to}` }).first();
  await expect(async () => {
    await page.goto(`${base}/outbox`);
    await expect(item).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  const body = await item.locator('pre').innerText();
  const match = body.match(/https?:\/\/\S*\/sign-in-link\/use\?token=[A-Za-z0-9_-]+/);
  expect(match, `a sign-in link in the e-mail to ${to}`).not.toBeNull();
  return new URL(match![0]).pathname + new URL(match![0]).search;
}

async function goto(page: Page, base: string, p: string) {
  await page.goto(`${base}${p}`);
  await hydrated(page);
}

test('a new community is set up, run and left, from an empty database', async ({ page, browser }, info) => {
  const port = 3400 + info.parallelIndex * 10 + (info.project.name === 'phone' ? 1 : 0);
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl(),
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: path.join(root, 'target', 'site'),
    QC_PUBLIC_URL: base,
    RUST_LOG: 'warn',
  };
  const init = ['init', '--email', 'ada@example.org', '--name', 'Ada Admin', '--contact-email', 'privacy@example.org', '--community-name', 'Q Yorkshire'];
  const first = execFileSync(binary, init, { cwd: root, env, encoding: 'utf8' });
  expect(first).toContain('Q Yorkshire is set up');
  const link = first.match(/http:\/\/\S+\/sign-in-link\/use\?token=\S+/)?.[0];
  expect(link).toBeTruthy();
  // Run twice: it says so and changes nothing.
  expect(execFileSync(binary, init, { cwd: root, env, encoding: 'utf8' })).toContain('already set up');

  // The outbox page (demo mode on a database that is not empty seeds nothing) lets the
  // test read the invitations.
  await startServer({ ...env, QC_DEMO: 'true' }, base);
  await goto(page, base, new URL(link!).pathname + new URL(link!).search);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('link', { name: 'Signed in as Ada Admin' })).toBeVisible();
  await expect(page.locator('.brand')).toContainText('Q Yorkshire');

  await page.getByRole('link', { name: 'Administration' }).click();
  await expect(page.getByRole('heading', { name: 'Administration', exact: true })).toBeVisible();
  await expect(page.getByText('Q Yorkshire was set up with National commons stewardship group as its national commons and Ada Admin in the project team')).toBeVisible();
  await expectAccessible(page);
  await shot(page, `admin-${info.project.name}`);

  // A region, then its stewardship group.
  await page.getByRole('link', { name: 'Create a space' }).click();
  await page.getByRole('button', { name: 'Create space' }).click();
  await expect(page.locator('#field-kind-error')).toContainText('Choose the kind');
  await page.getByLabel('Kind of space').selectOption({ label: 'Region' });
  await page.getByLabel('Where it sits').selectOption({ label: 'National commons stewardship group' });
  await page.getByLabel('Name', { exact: true }).fill('Yorkshire and Humber');
  await page.getByLabel('What it is for').fill('Brings Q members in Yorkshire and the Humber together.');
  await page.getByRole('button', { name: 'Create space' }).click();
  await expect(page.getByRole('heading', { name: 'Yorkshire and Humber' })).toBeVisible();
  await page.getByLabel('New organisation\'s name').fill('Yorkshire & Humber AHSN');
  await page.getByLabel('New organisation\'s kind').selectOption({ label: 'Academic Health Science Network' });
  await page.getByRole('button', { name: 'Set host' }).click();
  await expect(page.getByText('Hosted by Yorkshire & Humber AHSN.')).toBeVisible();
  await expectAccessible(page);
  await shot(page, `admin-space-${info.project.name}`);
  await goto(page, base, '/admin/spaces/new');
  await page.getByLabel('Kind of space').selectOption({ label: 'Commons stewardship group' });
  await page.getByLabel('Where it sits').selectOption({ label: 'Yorkshire and Humber' });
  await page.getByLabel('Name', { exact: true }).fill('Yorkshire and Humber commons stewardship group');
  await page.getByLabel('What it is for').fill('Stewards the regional commons with the convener.');
  await page.getByRole('button', { name: 'Create space' }).click();
  await expect(page.getByRole('heading', { name: 'Yorkshire and Humber commons stewardship group' })).toBeVisible();

  // Five members from a CSV with one bad line.
  await goto(page, base, '/admin/import');
  await expectAccessible(page);
  const csv = [
    'name,email,home region,perspectives,organisation',
    'Bea Patient,bea@example.org,Yorkshire and Humber,Patient,',
    'Cal Carer,cal@example.org,yorkshire-and-humber,Carer;Researcher,',
    'Dev Nurse,dev@example.org,Yorkshire and Humber,Clinician,Leeds Teaching Hospitals',
    'Eve Manager,eve@example.org,Yorkshire and Humber,Manager,',
    'Bad Line,not-an-address,Atlantis,,',
    'Fay Educator,fay@example.org,Yorkshire and Humber,Educator,University of York',
  ].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Preview the import' }).click();
  await expect(page.getByText('5 members to add, 0 already members (left as they are), 1 line with problems.')).toBeVisible();
  const bad = page.getByRole('row').filter({ hasText: 'not-an-address' });
  await expect(bad).toContainText('6');
  await expect(bad).toContainText('There is no region called “Atlantis”.');
  await expectAccessible(page);
  await shot(page, `import-preview-${info.project.name}`);
  // Confirming without leaving the bad line out is refused, and nothing is added.
  await page.getByRole('button', { name: 'Import 5 members' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Line 6 has a problem' })).toBeVisible();
  await page.getByLabel('Leave the 1 line with problems out').check();
  await page.getByRole('button', { name: 'Import 5 members' }).click();
  await expect(page.getByText(/Imported: 5 members added from members\.csv/)).toBeVisible();

  // The project team appoints one of them convener.
  await goto(page, base, '/spaces/yorkshire-and-humber');
  await page.getByText('Appoint a convener').click();
  await page.getByLabel('Member', { exact: true }).selectOption({ label: 'Dev Nurse' });
  await page.getByLabel(/Reason/).fill('Chosen by the region');
  await page.getByRole('button', { name: 'Appoint', exact: true }).click();
  await expect(page.getByRole('listitem').filter({ hasText: 'Dev Nurse, Convener' })).toBeVisible();
  await expectAccessible(page);

  // A member signs in by their invitation, downloads their data and deletes their account.
  const bea = await (await browser.newContext(info.project.use)).newPage();
  const invitation = await invitationFor(page, base, 'bea@example.org');
  await goto(bea, base, invitation);
  await bea.getByRole('button', { name: 'Sign in' }).click();
  await expect(bea.getByRole('link', { name: 'Signed in as Bea Patient' })).toBeVisible();
  await goto(bea, base, '/account');
  await expect(bea.getByText(/that the community holds these/)).toBeVisible();
  await expectAccessible(bea);
  await shot(bea, `account-${info.project.name}`);
  const download = bea.waitForEvent('download');
  await bea.getByRole('link', { name: 'Download as JSON' }).click();
  const file = await (await download).path();
  const data = JSON.parse(fs.readFileSync(file!, 'utf8'));
  expect(data.profile.email).toBe('bea@example.org');
  expect(data.profile.perspectives).toEqual(['patient']);
  expect(data.audit_entries.some((a: { summary: string }) => a.summary.includes('joined Yorkshire and Humber by import'))).toBe(true);

  await bea.getByText('Delete my account', { exact: true }).click();
  await bea.getByLabel('Type your e-mail address to confirm').fill('someone@else.org');
  await bea.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(bea.locator('#field-confirm_email-error')).toContainText('Type your e-mail address exactly');
  await bea.getByLabel('Type your e-mail address to confirm').fill('bea@example.org');
  await bea.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(bea.getByText('Your account is deleted')).toBeVisible();
  await expect(bea.getByRole('link', { name: 'Sign in' })).toBeVisible();

  // The directory no longer knows her.
  await goto(page, base, '/members');
  await expect(page.getByText('Cal Carer')).toBeVisible();
  await expect(page.getByText('Bea Patient')).toHaveCount(0);

  // Archiving keeps a space's page and history, and takes it out of the lists.
  await goto(page, base, '/admin/spaces/yorkshire-and-humber-commons-stewardship-group');
  await page.getByRole('button', { name: 'Archive this space' }).click();
  await expect(page.getByRole('button', { name: 'Restore this space' })).toBeVisible();
  await goto(page, base, '/spaces/yorkshire-and-humber-commons-stewardship-group');
  await expect(page.getByRole('status')).toContainText('This space is archived');
  await expectAccessible(page);
  await goto(page, base, '/admin');
  await expect(page.getByText('Yorkshire and Humber commons stewardship group was archived')).toBeVisible();
});
