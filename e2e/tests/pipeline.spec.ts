import { expect, test } from '@playwright/test';
import { uniqueName } from './helpers';

test('record a pipeline deal, read it in the totals, sign it out of the pipeline', async ({ page }, testInfo) => {
  const title = uniqueName('K2PL follow-on (pipeline)', testInfo);

  // A deal at the memorandum stage: first without its probability, explained at the field.
  await page.goto('/contracts/new');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Buyer', { exact: true }).selectOption('PL');
  await page.getByLabel('Status', { exact: true }).selectOption('memorandum of understanding');
  await page.getByLabel('Expected signing').fill('2027-03');
  await page.getByLabel('Value', { exact: true }).fill('2,000,000');
  const line = page.getByRole('group', { name: 'Line 1' });
  await line.getByLabel('System').selectOption({ label: 'K2PL (armoured vehicles)' });
  await line.getByLabel('Quantity').fill('40');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.getByRole('alert')).toContainText('Nothing was saved');
  await expect(page.locator('#e-probability-error')).toContainText('Give the probability');
  await expect(page.getByLabel('Expected signing')).toHaveValue('2027-03'); // kept
  await page.getByLabel('Probability of signing (%)').fill('40');
  await page.getByLabel('Probability confidence').selectOption('reported');
  await page.getByLabel('Probability basis').fill('Defence24 report');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Contract saved.');
  await expect(page.getByText('memorandum of understanding (pipeline: not signed yet)')).toBeVisible();
  await expect(page.getByText('40 %')).toBeVisible();
  await expect(page.getByText('deliveries can be recorded once the contract is signed')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Record delivery' })).toHaveCount(0);
  const contractUrl = page.url().replace(/\?.*$/, '');

  // Not in the signed totals; in the pipeline at face value and weighted by its 40 %.
  await page.goto('/contracts?status=pipeline&q=' + encodeURIComponent(title));
  await expect(page.getByRole('link', { name: title })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'memorandum of understanding, 40 %' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'expected 2027-03' })).toBeVisible();
  await page.goto('/summary?buyer=PL');
  await expect(page.getByRole('status').first()).toContainText('signed deals only');
  const signed = await page.locator('.totals dd').first().innerText();
  await page.getByLabel('Pipeline').selectOption('weighted');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/count=weighted/);
  await expect(page.getByRole('status').first()).toContainText('times its probability');
  const withPipeline = await page.locator('.totals dd').first().innerText();
  expect(Number(withPipeline.replace(/,/g, ''))).toBeGreaterThanOrEqual(Number(signed.replace(/,/g, '')) + 1);

  // Signed: the form asks for the signing date once it leaves the pipeline.
  await page.goto(contractUrl + '/edit');
  await page.getByLabel('Status', { exact: true }).selectOption('signed');
  await page.getByLabel('Expected signing').fill('');
  await page.getByLabel('Probability of signing (%)').fill('');
  await page.getByLabel('Probability basis').fill('');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.locator('#e-signed_on-error')).toContainText('enter the signing date');
  await page.getByLabel('Signed on').fill('2026-11-20');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.getByText('memorandum of understanding')).toHaveCount(0);
  await expect(page.locator('dl.record')).toContainText('2026-11-20');
  await expect(page.getByRole('button', { name: 'Record delivery' })).toBeVisible();
});
