import { expect, test } from '@playwright/test';
import { uniqueName } from './helpers';

test('enter a framework agreement with two ceiling lines, two contracts under it, and a delivery', async ({ page }, testInfo) => {
  const title = uniqueName('Framework: K9PL and K2PL', testInfo);

  // The agreement, with two ceiling lines.
  await page.goto('/agreements');
  await page.getByRole('link', { name: 'New agreement' }).click();
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Buyer', { exact: true }).selectOption('PL');
  await page.getByLabel('Buying agency').fill('Armament Agency');
  await page.getByLabel('Supplier', { exact: true }).selectOption({ label: 'Hanwha Aerospace' });
  await page.getByLabel('Another supplier').first().selectOption({ label: 'Hyundai Rotem' });
  const first = page.getByRole('group', { name: 'Ceiling line 1' });
  await first.getByLabel('System').selectOption({ label: 'K9PL (artillery)' });
  await first.getByLabel('Ceiling quantity').fill('100');
  const second = page.getByRole('group', { name: 'Ceiling line 2' });
  await second.getByLabel('System').selectOption({ label: 'K2PL (armoured vehicles)' });
  await second.getByLabel('Ceiling quantity').fill('50');
  await page.getByRole('button', { name: 'Save agreement' }).click();
  await expect(page.getByRole('status')).toHaveText('Framework agreement saved.');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  const ceilings = page.getByRole('table', { name: 'Ceiling lines' });
  await expect(ceilings.locator('tbody tr')).toHaveCount(2);
  const agreementUrl = page.url().replace(/\?.*$/, '');

  // A first contract under it: two mistakes, each explained at its field, then fixed.
  await page.getByRole('link', { name: 'Add a contract under it' }).click();
  await expect(page.getByLabel('Framework agreement')).not.toHaveValue('');
  await page.getByLabel('Title', { exact: true }).fill(`${title} — contract 1`);
  await page.getByLabel('Buyer', { exact: true }).selectOption('RO'); // not the framework's buyer
  await page.getByLabel('Value', { exact: true }).fill('1,200,000,000.125'); // too many decimals for USD
  const line = page.getByRole('group', { name: 'Line 1' });
  await line.getByLabel('System').selectOption({ label: 'K9PL (artillery)' });
  await line.getByLabel('Quantity').fill('60');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.getByRole('alert')).toContainText('Nothing was saved');
  await expect(page.locator('#e-value_amount-error')).toHaveText('USD has 2 decimal places at most.');
  await page.getByLabel('Value', { exact: true }).fill('1,200,000,000');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.locator('#e-buyer-error')).toHaveText('A contract under this framework agreement has its buyer: Poland.');
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue(`${title} — contract 1`); // kept
  await page.getByLabel('Buyer', { exact: true }).selectOption('PL');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Contract saved.');
  await expect(page.getByText('USD 1,200,000,000.00')).toBeVisible();

  // A second one takes K9PL past the ceiling: saved, with a warning.
  await page.goto(agreementUrl);
  await page.getByRole('link', { name: 'Add a contract under it' }).click();
  await page.getByLabel('Title', { exact: true }).fill(`${title} — contract 2`);
  await page.getByLabel('Buyer', { exact: true }).selectOption('PL');
  const line2 = page.getByRole('group', { name: 'Line 1' });
  await line2.getByLabel('System').selectOption({ label: 'K9PL (artillery)' });
  await line2.getByLabel('Quantity').fill('60');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.getByText('Above the framework\'s ceiling.')).toBeVisible();
  await expect(page.getByText('K9PL: 120 executed of a ceiling of 100')).toBeVisible();

  // A delivery on it.
  const delivery = page.locator('form[action$="/deliveries"]');
  await delivery.getByLabel('Delivered on').fill('2026-02');
  await delivery.getByLabel('Units').fill('10');
  await delivery.getByRole('button', { name: 'Record delivery' }).click();
  await expect(page.getByText('Delivery recorded.')).toBeVisible();

  // The agreement shows both contracts and the over-ceiling line.
  await page.goto(agreementUrl);
  const k9pl = page.getByRole('table', { name: 'Ceiling lines' }).locator('tbody tr', { hasText: 'K9PL' });
  await expect(k9pl).toHaveClass(/over-ceiling/);
  await expect(k9pl).toContainText('20 over the ceiling');
  await expect(k9pl.locator('td').nth(3)).toHaveText('10'); // delivered
  const under = page.getByRole('table', { name: 'Contracts under this agreement' });
  await expect(under.locator('tbody tr')).toHaveCount(2);
});
