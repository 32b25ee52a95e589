import { expect, test } from '@playwright/test';
import { stateFile } from './auth';
import { enterContract, uniqueName } from './helpers';

test('an edit conflict from a second browser keeps both changes', async ({ page, browser }, testInfo) => {
  const title = uniqueName('K9PL lot', testInfo);
  const address = await enterContract(page, title);

  // Analyst A opens the edit form and starts typing…
  await page.goto(`${address}/edit`);
  await page.getByLabel('Notes', { exact: true }).fill('Options for 6 more');
  await page.getByRole('group', { name: 'Line 1' }).getByLabel('Quantity').fill('14');

  // …while analyst B, in another browser, renames the contract and changes the quantity too.
  const other = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    storageState: stateFile(testInfo, 'editor'),
  });
  const pageB = await other.newPage();
  await pageB.goto(`${address}/edit`);
  await pageB.getByLabel('Title', { exact: true }).fill(`${title} (amended)`);
  await pageB.getByRole('group', { name: 'Line 1' }).getByLabel('Quantity').fill('12');
  await pageB.getByRole('button', { name: 'Save contract' }).click();
  await expect(pageB.getByRole('status').first()).toHaveText('Contract saved.');
  await other.close();

  // A saves: nothing is overwritten. B's rename comes into A's form; the quantity both changed
  // keeps A's value and shows B's.
  await page.getByRole('button', { name: 'Save contract' }).click();
  const conflict = page.getByRole('alert');
  await expect(conflict).toContainText('Not saved: someone else saved this contract');
  await expect(conflict.locator('ul.taken')).toContainText(`Title: ${title} (amended)`);
  await expect(conflict.locator('ul.clashes')).toContainText('Line 1: quantity: 12');
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue(`${title} (amended)`);
  await expect(page.getByLabel('Notes', { exact: true })).toHaveValue('Options for 6 more');
  await expect(page.getByRole('group', { name: 'Line 1' }).getByLabel('Quantity')).toHaveValue('14');

  // Saving the merged form stores both changes.
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Contract saved.');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${title} (amended)`);
  await expect(page.locator('dd.notes')).toHaveText('Options for 6 more');
  await expect(page.locator('table.data tbody tr').first()).toContainText('14');
});

test('a contract is deleted only after a confirmation', async ({ page }, testInfo) => {
  const title = uniqueName('Contract to delete', testInfo);
  const address = await enterContract(page, title);
  await page.getByRole('link', { name: 'Delete…' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Delete “${title}”?`);
  await expect(page.getByText('This cannot be undone.')).toBeVisible();
  await page.getByRole('button', { name: 'Delete contract' }).click();
  await expect(page.getByRole('status')).toHaveText(`Deleted “${title}”.`);
  const response = await page.goto(address);
  expect(response?.status()).toBe(404);
});
