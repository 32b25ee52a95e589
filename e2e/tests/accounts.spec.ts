import { expect, test } from '@playwright/test';
import { expectSignedInAs, pageAs, signIn } from './auth';
import { enterContract, jsEnabled, uniqueName } from './helpers';

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('a page asks to sign in, then opens; signing out ends the session', async ({ page }) => {
    await page.goto('/contracts?buyer=PL');
    await expect(page).toHaveURL(/\/login\?next=/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');

    await signIn(page, 'e2e-viewer', 'not the password');
    await expect(page.getByRole('alert')).toContainText('Wrong username or password');
    await expect(page.getByLabel('Username')).toHaveValue('e2e-viewer');

    await signIn(page, 'e2e-viewer');
    await expect(page).toHaveURL(/\/contracts\?buyer=PL$/);
    await expectSignedInAs(page, 'e2e-viewer');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('status')).toHaveText('You are signed out.');
    await page.goto('/contracts');
    await expect(page).toHaveURL(/\/login/);
  });
});

test('a viewer reads and exports, and is refused where the role says so', async ({ browser }, testInfo) => {
  const page = await pageAs(browser, testInfo, 'viewer');
  await page.goto('/contracts');
  await expectSignedInAs(page, 'e2e-viewer');
  await expect(page.getByRole('button', { name: 'Export CSV' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New contract' })).toHaveCount(0);
  await expect(page.getByRole('banner').getByRole('link', { name: 'Users' })).toHaveCount(0);

  const refused = await page.goto('/contracts/new');
  expect(refused?.status()).toBe(403);
  await expect(page.getByRole('main')).toContainText('Your role (viewer) does not allow this; it needs editor.');
  expect((await page.goto('/users'))?.status()).toBe(403);
  await page.context().close();
});

test('an editor edits a contract and reads its history', async ({ browser }, testInfo) => {
  const page = await pageAs(browser, testInfo, 'editor');
  const title = uniqueName('K239 lot', testInfo);
  const address = await enterContract(page, title);

  await page.goto(`${address}/edit`);
  await page.getByRole('group', { name: 'Line 1' }).getByLabel('Quantity').fill('12');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Contract saved.');

  await page.getByRole('link', { name: 'History' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^History of contract \d+$/);
  const rows = page.locator('table.audit tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('create');
  await expect(rows.nth(1)).toContainText('e2e-editor');
  await expect(rows.nth(1)).toContainText('update');
  await expect(rows.nth(1).locator('li', { hasText: 'Line 1 · Quantity' })).toContainText('10 → 12');
  // Editors have no audit trail page; admins do.
  expect((await page.goto('/audit'))?.status()).toBe(403);
  await page.context().close();

  const admin = await pageAs(browser, testInfo, 'admin');
  await admin.goto(`/audit?actor=e2e-editor&kind=contract`);
  await expect(admin.locator('table.audit tbody tr', { hasText: title }).first()).toBeVisible();
  await admin.context().close();
});

test('pages run their scripts under the Content-Security-Policy', async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'nothing runs without JavaScript');
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  for (const address of ['/firms', '/contracts/new', '/summary', '/import']) {
    const response = await page.goto(address);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  }
  // The firm form is an island: it hydrates only if the wasm was allowed to run.
  await page.goto('/firms');
  await expect(page.locator('form[data-hydrated]').first()).toHaveAttribute('data-hydrated', 'true');
  expect(violations).toEqual([]);
});
