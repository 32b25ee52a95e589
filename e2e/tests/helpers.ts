import { expect, Page, TestInfo } from '@playwright/test';

/** A name no other test (or earlier run) uses, so specs can run in parallel on one server. */
export function uniqueName(base: string, testInfo: TestInfo): string {
  const suffix = `${testInfo.project.name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  return `${base} ${suffix}`;
}

export function jsEnabled(testInfo: TestInfo): boolean {
  return testInfo.project.name.endsWith('-js');
}

/** With JavaScript on, waits until the form's island has hydrated (its submit is then handled
 * in place); with JavaScript off there is nothing to wait for. */
export async function formReady(page: Page, form: ReturnType<Page['locator']>, testInfo: TestInfo) {
  if (jsEnabled(testInfo)) {
    await expect(form).toHaveAttribute('data-hydrated', 'true');
  }
}

/** Marks the current document; `expectSameDocument` then proves no page load happened since. */
export async function markDocument(page: Page) {
  await page.evaluate(() => ((window as any).__sameDocument = true));
}

export async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as any).__sameDocument === true)).toBe(true);
}

/** Enters a stand-alone contract for 10 K9PL and returns its address. */
export async function enterContract(page: Page, title: string): Promise<string> {
  await page.goto('/contracts/new');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Buyer', { exact: true }).selectOption('PL');
  const line = page.getByRole('group', { name: 'Line 1' });
  await line.getByLabel('System').selectOption({ label: 'K9PL (artillery)' });
  await line.getByLabel('Quantity').fill('10');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Contract saved.');
  return page.url().replace(/\?.*$/, '');
}
