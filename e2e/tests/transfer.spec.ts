import { expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import { uniqueName } from './helpers';

test('the contract list downloads as CSV with its filters, in the European Excel format', async ({ page }) => {
  await page.goto('/contracts?buyer=PL&sort=value');
  const form = page.locator('form.export-csv').filter({ has: page.getByRole('button', { name: 'Export CSV', exact: true }) });
  await form.getByLabel('File format').selectOption('excel-eu');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    form.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^contracts-\d{4}-\d{2}-\d{2}\.csv$/);
  const bytes = fs.readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  const [header, ...rows] = text.split('\r\n').filter((line) => line.startsWith('contract_ref') || /^[0-9a-z-]+;/.test(line));
  expect(header.split(';').slice(0, 4)).toEqual(['contract_ref', 'title', 'buyer', 'buyer_name']);
  expect(rows.length).toBeGreaterThan(5);
  for (const row of rows) expect(row.split(';')[2]).toBe('PL');
  expect(text).toContain('6500000000,00;USD');
  // The page is still there: a download does not navigate away.
  await expect(page.getByRole('heading', { name: 'Contracts', exact: true })).toBeVisible();
});

test('an import with mistakes is refused with each one placed, the fixed file goes in once', async ({ page }, testInfo) => {
  const title = uniqueName('Imported K9 lot', testInfo);
  const ref = `e2e-${Date.now().toString(36)}-${testInfo.project.name}`;
  const header = 'contract_ref,title,buyer,supplier,signed_on,status,value,currency,value_confidence,line,system,quantity,quantity_confidence';
  const broken = `${header}\r\n${ref},${title},PL,Hanwha Aerospace,2024-13,signed,100.00,USD,confirmed,1,K99,12,confirmed\r\n`;
  const fixed = `${header}\r\n${ref},${title},PL,Hanwha Aerospace,2024-12,signed,100.00,USD,confirmed,1,K9PL,12,confirmed\r\n`;
  const upload = async (content: string) => {
    await page.goto('/import');
    await page.getByLabel('CSV file of contracts').setInputFiles({ name: 'lot.csv', mimeType: 'text/csv', buffer: Buffer.from(content) });
    await page.getByRole('button', { name: 'Check the file' }).click();
    await expect(page.getByRole('heading', { name: 'Check the import' })).toBeVisible();
  };

  await upload(broken);
  const problems = page.getByRole('table', { name: 'Problems in the file' });
  await expect(page.getByRole('alert')).toContainText('2 problem(s): nothing can be stored');
  await expect(problems.getByRole('row').filter({ hasText: 'signed_on' })).toContainText('2');
  await expect(problems.getByRole('row').filter({ hasText: 'signed_on' })).toContainText('no month 13');
  await expect(problems.getByRole('row').filter({ hasText: 'K99' })).toContainText('system');
  await expect(page.getByRole('button', { name: /^Import/ })).toHaveCount(0);

  await upload(fixed);
  await expect(page.getByText('Contracts: 1 new, 0 to update, 0 unchanged.')).toBeVisible();
  await page.getByRole('button', { name: 'Import 1 contract' }).click();
  await expect(page.getByRole('status')).toContainText('Imported: 1 contract created, 0 updated, 0 unchanged.');
  await page.goto(`/contracts?q=${encodeURIComponent(title)}`);
  await expect(page.getByRole('link', { name: title })).toHaveCount(1);

  // The same file again changes nothing and adds no copy.
  await upload(fixed);
  await expect(page.getByText('Contracts: 0 new, 0 to update, 1 unchanged.')).toBeVisible();
  await expect(page.getByText('there is nothing to import')).toBeVisible();
});
