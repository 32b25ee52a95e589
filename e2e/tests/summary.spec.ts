import { expect, test } from '@playwright/test';
import { formReady, uniqueName } from './helpers';

test('a new contract shows in the portfolio totals and the framework headroom', async ({ page }, testInfo) => {
  // A supplier of its own, so the totals filtered by it are this test's alone.
  const supplier = uniqueName('Summary Works', testInfo);
  await page.goto('/firms');
  const firmForm = page.locator('form[method="post"][action="/firms"]');
  await formReady(page, firmForm, testInfo);
  await firmForm.getByLabel('Name').fill(supplier);
  await firmForm.getByLabel('Home country').selectOption('KR');
  await firmForm.getByRole('button', { name: 'Add firm' }).click();
  await expect(page.getByRole('status').first()).toContainText(`Added “${supplier}”.`);

  const summaryFor = async () => {
    await page.goto('/summary');
    await page.getByLabel('Supplier', { exact: true }).selectOption({ label: supplier });
    await page.getByRole('button', { name: 'Apply' }).click();
  };
  await summaryFor();
  await expect(page.getByText('Counting every figure, estimates included: signed deals only')).toBeVisible();
  await expect(page.locator('dl.totals')).toContainText('Contracts0');

  // A framework with a ceiling of 40 K9PL, and a contract for 25 under it.
  const title = uniqueName('Headroom framework', testInfo);
  await page.goto('/agreements/new');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Buyer', { exact: true }).selectOption('PL');
  await page.getByLabel('Supplier', { exact: true }).selectOption({ label: supplier });
  const ceiling = page.getByRole('group', { name: 'Ceiling line 1' });
  await ceiling.getByLabel('System').selectOption({ label: 'K9PL (artillery)' });
  await ceiling.getByLabel('Ceiling quantity').fill('40');
  await page.getByRole('button', { name: 'Save agreement' }).click();
  await expect(page.getByRole('status')).toHaveText('Framework agreement saved.');

  await page.getByRole('link', { name: 'Add a contract under it' }).click();
  await page.getByLabel('Title', { exact: true }).fill(`${title} — lot 1`);
  await page.getByLabel('Supplier', { exact: true }).selectOption({ label: supplier });
  await page.getByLabel('Value', { exact: true }).fill('12,345,678.90');
  const line = page.getByRole('group', { name: 'Line 1' });
  await line.getByLabel('System').selectOption({ label: 'K9PL (artillery)' });
  await line.getByLabel('Quantity').fill('25');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Contract saved.');
  const delivery = page.locator('form[action$="/deliveries"]');
  await delivery.getByLabel('Delivered on').fill('2026-03');
  await delivery.getByLabel('Units').fill('5');
  await delivery.getByRole('button', { name: 'Record delivery' }).click();
  await expect(page.getByText('Delivery recorded.')).toBeVisible();

  // The totals for the supplier now hold the contract, its value and its units…
  await summaryFor();
  const totals = page.locator('dl.totals');
  await expect(totals).toContainText('Contracts1');
  await expect(totals).toContainText('USD 12,345,678.90');
  await expect(totals).toContainText('Units ordered25');
  await expect(totals).toContainText('Units delivered5');
  const byBuyer = page.getByRole('table', { name: 'Totals by buyer' });
  await byBuyer.getByRole('link', { name: 'Poland' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Contracts');
  await expect(page.locator('table.data tbody tr')).toHaveCount(1); // the drill-down lists it

  // …and the framework's headroom counts it against the ceiling.
  await page.goto(`/headroom?q=${encodeURIComponent(title)}`);
  const row = page.getByRole('table', { name: `Headroom of ${title}` }).locator('tbody tr', { hasText: 'K9PL' });
  await expect(row.locator('td').nth(0)).toHaveText('40');
  await expect(row.locator('td').nth(1)).toHaveText('25'); // executed
  await expect(row.locator('td').nth(2)).toHaveText('5'); // delivered
  await expect(row.locator('td').nth(3)).toHaveText('15'); // remaining
});
