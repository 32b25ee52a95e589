// End-to-end tests against the release build, in Debian's Chromium (never a downloaded browser).
// Every spec runs in two projects per database backend: JavaScript on and JavaScript off.
// The servers are started here from the built binary; scripts/test.sh builds it first.
import { defineConfig, devices } from '@playwright/test';
import * as path from 'node:path';
import { E2E_PASSWORD, ROLES as roles } from './tests/auth';

const root = path.resolve(__dirname, '..');
const server = path.join(root, 'target/release/server');
const siteRoot = path.join(root, 'target/site');
const sqliteFile = path.join(root, 'target/e2e/e2e.db');
const postgresUrl = process.env.E2E_POSTGRES_URL; // set by scripts/test.sh when PostgreSQL is up

const chromium = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Without the networking flags Chromium keeps calling home, which this closed network refuses.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
};

const backends = [{ name: 'sqlite', port: 3100, url: `sqlite://${sqliteFile}` }];
if (postgresUrl) backends.push({ name: 'postgres', port: 3101, url: postgresUrl });

// Every test runs signed in. Before each server starts, `server user add` creates one user per
// role (the first start of the database also loads the demo data); the setup project signs
// each in through the form and keeps the session for the specs (tests/auth.ts).
const addUsers = roles
  .map((role) => `printf '%s\\n' '${E2E_PASSWORD}' | ${server} user add e2e-${role} --role ${role} >/dev/null 2>&1 || true`)
  .join('; ');

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'off',
  },
  projects: backends.flatMap((backend) => [
    {
      name: `${backend.name}-setup`,
      testMatch: /auth\.setup\.ts/,
      use: { ...chromium, baseURL: `http://127.0.0.1:${backend.port}` },
    },
    {
      name: `${backend.name}-js`,
      dependencies: [`${backend.name}-setup`],
      use: {
        ...chromium,
        baseURL: `http://127.0.0.1:${backend.port}`,
        javaScriptEnabled: true,
        // The existing specs edit rates too: they run as an admin unless they ask otherwise.
        storageState: path.join(__dirname, `.auth/${backend.name}-admin.json`),
      },
    },
    {
      name: `${backend.name}-nojs`,
      dependencies: [`${backend.name}-setup`],
      use: {
        ...chromium,
        baseURL: `http://127.0.0.1:${backend.port}`,
        javaScriptEnabled: false,
        storageState: path.join(__dirname, `.auth/${backend.name}-admin.json`),
      },
    },
  ]),
  webServer: backends.map((backend) => ({
    command: `sh -c "${addUsers.replace(/"/g, '\\"')}; exec ${server} --addr 127.0.0.1:${backend.port} --site-root ${siteRoot}"`,
    url: `http://127.0.0.1:${backend.port}/healthz`,
    env: { DATABASE_URL: backend.url, RUST_LOG: 'warn' },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  })),
});
