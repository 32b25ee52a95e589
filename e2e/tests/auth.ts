import { Browser, TestInfo, expect, Page } from '@playwright/test';
import * as path from 'node:path';

/** Every e2e user's password; `server user add` creates e2e-admin, e2e-editor, e2e-viewer. */
export const E2E_PASSWORD = 'e2e password long enough';
export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

function backend(testInfo: TestInfo): string {
  return testInfo.project.name.replace(/-(setup|js|nojs)$/, '');
}

/** Where the signed-in session of `role` on this project's server is kept. */
export function stateFile(testInfo: TestInfo, role: Role): string {
  return path.join(__dirname, '..', '.auth', `${backend(testInfo)}-${role}.json`);
}

/** Signs in through the form (works with and without JavaScript). */
export async function signIn(page: Page, username: string, password = E2E_PASSWORD) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A page in a new browser context signed in as `role` (same project settings). */
export async function pageAs(browser: Browser, testInfo: TestInfo, role: Role): Promise<Page> {
  const context = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    storageState: stateFile(testInfo, role),
  });
  return context.newPage();
}

export async function expectSignedInAs(page: Page, username: string) {
  await expect(page.getByRole('banner').getByText(username)).toBeVisible();
}
