import { defineConfig } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The end-to-end run starts its own server on a fresh database, waits until it
// answers, and stops it afterwards. E2E_DATABASE_URL runs it on PostgreSQL instead.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');
const databaseUrl =
  process.env.E2E_DATABASE_URL ??
  `sqlite://${fs.mkdtempSync(path.join(os.tmpdir(), 'qc-e2e-'))}/e2e.db`;

export default defineConfig({
  testDir: './tests',
  // The longest stories (a community set up, run and left; a whole live workshop) take
  // 45 s on the debug build with both workers busy: two minutes leaves room for a slow
  // machine, and a test that hangs still fails.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
    {
      name: 'phone',
      use: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    },
  ],
  webServer: {
    command: path.join(root, 'target', 'debug', 'server'),
    cwd: root,
    url: `${baseURL}/`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DATABASE_URL: databaseUrl,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: path.join(root, 'target', 'site'),
      QC_DEMO: 'true',
      // The tests count from a community with no past; the dashboards' history is tested
      // by the service tests.
      QC_DEMO_HISTORY: 'false',
      RUST_LOG: 'warn',
    },
  },
});
