import { expect, test } from '@playwright/test';
import { uniqueName } from './helpers';

test.describe('deal register', () => {
  test('a framework agreement shows its ceilings, what is executed, and the contracts under it', async ({ page }) => {
    await page.goto('/agreements');
    await page.getByRole('link', { name: /K2 tanks, K9 howitzers, FA-50/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('K2 tanks');

    const ceilings = page.getByRole('table', { name: 'Ceiling lines' });
    const k2 = ceilings.locator('tbody tr', { has: page.getByRole('link', { name: 'K2', exact: true }) });
    await expect(k2.locator('td').nth(1)).toContainText('1,000');
    await expect(k2.locator('td').nth(2)).toHaveText('360'); // 180 + 116 + 64
    const k9 = ceilings.locator('tbody tr', { has: page.getByRole('link', { name: 'K9', exact: true }) });
    await expect(k9.locator('td').nth(2)).toHaveText('364'); // 212 + 152, as the reference says
    await expect(page.getByRole('link', { name: 'K2 executive contract #2' })).toBeVisible();
    await expect(page.getByText('USD 14,800,000,000.00')).toBeVisible(); // an estimate, with its source

    await page.goto('/agreements');
    await page.getByRole('link', { name: /Chunmoo/ }).first().click();
    await expect(page.locator('tr.over-ceiling')).toContainText('2 over the ceiling'); // 218 + 72 > 288
  });

  test('the contract list filters and sorts through the address, and the back button works', async ({ page }) => {
    await page.goto('/contracts');
    // 23 from the demo data, and any that other tests have entered since.
    expect(await page.locator('table.data tbody tr').count()).toBeGreaterThanOrEqual(23);

    await page.getByLabel('Buyer').selectOption('FI');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/\/contracts\?(.*&)?buyer=FI/);
    await expect(page.locator('table.data tbody tr')).toHaveCount(3);
    await expect(page.getByText('Rows 1–3 of 3')).toBeVisible();
    // Newest first by default.
    await expect(page.locator('table.data tbody tr').first()).toContainText('2022-11');

    await page.getByRole('link', { name: 'Contract', exact: true }).click();
    await expect(page).toHaveURL(/sort=title/);
    await expect(page.locator('table.data tbody tr').first()).toContainText('Ex-ROK K9 purchase');

    await page.goBack();
    await expect(page).toHaveURL(/buyer=FI/);
    await expect(page).not.toHaveURL(/sort=title/);

    // A shared link opens the same view.
    await page.goto('/contracts?category=aircraft&confidence=reported');
    await expect(page.getByLabel('Category')).toHaveValue('aircraft');
    for (const row of await page.locator('table.data tbody tr').all()) {
      await expect(row).toContainText('FA-50');
      await expect(row).not.toContainText('estimated');
    }
  });

  test('recording a delivery: a mistake is explained at its field, then it is recorded', async ({ page }, testInfo) => {
    const note = uniqueName('Arrived in Gdynia', testInfo);
    await page.goto('/contracts');
    await page.getByRole('link', { name: 'K9 executive contract #2' }).click();
    const form = page.locator('form[action$="/deliveries"]');
    await form.getByLabel('Line').selectOption({ index: 1 }); // K9PL, the second line
    await form.getByLabel('Delivered on').fill('2099-01-01');
    await form.getByLabel('Units').fill('100000');
    await form.getByLabel('Notes and source').fill(note);
    await form.getByRole('button', { name: 'Record delivery' }).click();

    await expect(page.locator('#d-date-error')).toContainText('is in the future');
    await expect(page.locator('#d-units-error')).toHaveText(/Only \d+ K9PL are still undelivered on this line\./);
    await expect(page.getByLabel('Notes and source')).toHaveValue(note); // what was typed is kept
    await expect(page.locator('table.data tbody tr', { hasText: note })).toHaveCount(0);

    await page.getByLabel('Delivered on').fill('2026-03');
    await page.getByLabel('Units').fill('2');
    await page.getByRole('button', { name: 'Record delivery' }).click();
    await expect(page.getByRole('status')).toHaveText('Delivery recorded.');
    const row = page.locator('table.data tbody tr', { hasText: note });
    await expect(row).toContainText('2026-03');
    await expect(row).toContainText('K9PL');

    // The deliveries list has it too, newest first.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deliveries' }).click();
    await expect(page.getByRole('table', { name: 'Deliveries' }).locator('tbody tr', { hasText: note })).toContainText('K9 executive contract #2');
  });

  test('a firm that deals refer to cannot be deleted, and the page says why', async ({ page }) => {
    await page.goto('/firms');
    await page.getByRole('link', { name: 'Delete Hyundai Rotem' }).click();
    await expect(page.getByRole('alert')).toContainText('cannot be deleted while other records refer to it');
    await expect(page.getByRole('alert')).toContainText('Contract “K2 executive contract #1” (supplier)');
  });
});
