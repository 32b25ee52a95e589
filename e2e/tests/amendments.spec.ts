import { expect, test } from '@playwright/test';
import { uniqueName } from './helpers';

test('sign a contract with options, amend it, exercise an option, read it as of a day, undo a mistake', async ({ page }, testInfo) => {
  const title = uniqueName('K9PL with options', testInfo);

  // A signed contract: 10 units firm and 4 options.
  await page.goto('/contracts/new');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Buyer', { exact: true }).selectOption('PL');
  await page.getByLabel('Signed on').fill('2024-05-10');
  await page.getByLabel('Value', { exact: true }).fill('1,000,000');
  const line = page.getByRole('group', { name: 'Line 1' });
  await line.getByLabel('System').selectOption({ label: 'K2PL (armoured vehicles)' });
  await line.getByLabel('Quantity', { exact: true }).fill('10');
  await line.getByLabel('Options not exercised').fill('4');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Contract saved.');
  const contractUrl = page.url().replace(/\?.*$/, '');
  await expect(page.getByText('None recorded: the figures above are as signed.')).toBeVisible();

  // An amendment that breaks the rules: every message at its field, nothing stored.
  await page.getByRole('link', { name: 'Record an amendment' }).click();
  await expect(page).toHaveURL(/\/amend$/);
  await page.getByLabel('Amended on').fill('2024-01-01');
  await page.getByLabel('Kind').selectOption('option exercised');
  const amendLine = page.getByRole('group', { name: /^Line 1: K2PL/ });
  await amendLine.getByLabel('Options exercised').fill('9');
  await page.getByRole('button', { name: 'Record amendment' }).click();
  await expect(page.getByRole('alert').first()).toContainText('Nothing was saved');
  await expect(page.locator('#e-amended_on-error')).toContainText('signed on 2024-05-10');
  await expect(page.locator('#e-reason-error')).toContainText('Enter the reason');
  await expect(page.locator('#e-line0_exercised-error')).toContainText('Only 4 options remain');
  await expect(page.locator('#e-source0_title-error')).toContainText('source');
  await expect(amendLine.getByLabel('Options exercised')).toHaveValue('9'); // kept

  // Right this time: two options exercised, one more firm unit, the value up.
  await page.getByLabel('Amended on').fill('2025-03-02');
  await page.getByLabel('Reason').fill('Two options taken up with one more firm');
  await amendLine.getByLabel('Options exercised').fill('2');
  await amendLine.getByLabel('Units (+ ordered, − cancelled)').fill('+1');
  await page.getByLabel('Change of value').fill('+250,000');
  await page.getByRole('group', { name: 'Source 1' }).getByLabel('Source title').fill('Armament Agency notice');
  await page.getByRole('button', { name: 'Record amendment' }).click();
  await expect(page.getByRole('status').first()).toContainText('Amendment recorded');
  const amendments = page.getByRole('table', { name: 'Amendments' });
  await expect(amendments).toContainText('option exercised');
  await expect(amendments).toContainText('K2PL: +1 units, 2 options exercised');
  await expect(amendments).toContainText('value: +USD 250,000.00');
  await expect(page.getByText('originally 10')).toBeVisible();
  await expect(page.locator('dl.record')).toContainText('USD 1,250,000.00');

  // As of the day before: the contract as signed, no forms.
  await page.getByLabel('Show as of').fill('2025-03-01');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(page).toHaveURL(/as_of=2025-03-01/);
  await expect(page.getByText('As of 2025-03-01.')).toBeVisible();
  await expect(page.locator('dl.record')).toContainText('USD 1,000,000.00');
  await expect(page.getByRole('link', { name: 'Record an amendment' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Show as now' }).click();
  await expect(page.locator('dl.record')).toContainText('USD 1,250,000.00');

  // A mistake undone, after a confirmation that says what it takes back.
  await page.getByRole('link', { name: 'Delete…' }).last().click();
  await expect(page.getByRole('heading', { name: 'Delete this amendment?' })).toBeVisible();
  await expect(page.getByText('takes these changes back out')).toBeVisible();
  await page.getByRole('button', { name: 'Delete amendment' }).click();
  await expect(page.getByRole('status').first()).toContainText('Amendment deleted');
  await expect(page.locator('dl.record')).toContainText('USD 1,000,000.00');
  await page.goto(contractUrl);
  await expect(page.getByText('originally 10')).toHaveCount(0);
});

test('read a framework’s programme waterfall and follow a step to its records', async ({ page }) => {
  await page.goto('/headroom');
  await page.getByRole('link', { name: 'Waterfall' }).first().click();
  await expect(page.getByRole('heading', { name: 'Programme waterfall' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Waterfall' });
  for (const step of ['Headline', 'Ceilings', 'Signed', 'Options exercised', 'Delivered']) {
    await expect(table.getByRole('rowheader', { name: step })).toBeVisible();
  }
  await expect(page.locator('#waterfall-units-title')).toHaveCount(1);
  const signedUnits = await table.getByRole('row', { name: /^Signed/ }).getByRole('cell').first().innerText();
  expect(Number(signedUnits.replace(/,/g, ''))).toBeGreaterThan(0);
  await table.getByRole('link', { name: 'Signed', exact: true }).click();
  await expect(page).toHaveURL(/\/contracts\?agreement=\d+&status=in\+force/);
  await expect(page.getByRole('heading', { name: 'Contracts' })).toBeVisible();
});

test('raise a framework ceiling by an amendment, read the agreement as of the day before, undo it', async ({ page }, testInfo) => {
  const reason = uniqueName('K2 ceiling raised', testInfo);
  await page.goto('/headroom');
  await page.getByRole('link', { name: /K2 tanks/ }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('K2 tanks');
  const agreementUrl = page.url().replace(/[?#].*$/, '');
  await page.getByRole('link', { name: 'Record an amendment' }).click();
  await expect(page.getByRole('heading', { name: 'Record an amendment' })).toBeVisible();
  await expect(page.getByLabel('Kind').locator('option', { hasText: 'option exercised' })).toHaveCount(0);
  await page.getByLabel('Amended on').fill('2025-04-01');
  await page.getByLabel('Kind').selectOption('quantity change');
  await page.getByLabel('Reason').fill(reason);
  await page.getByRole('group', { name: /^Line 1: K2$/ }).getByLabel('Ceiling (+ raised, − lowered)').fill('+1');
  await page.getByRole('group', { name: 'Source 1' }).getByLabel('Source title').fill('Test notice');
  await page.getByRole('button', { name: 'Record amendment' }).click();
  await expect(page.getByRole('status').first()).toContainText('Amendment recorded');
  await expect(page.getByRole('table', { name: 'Amendments' })).toContainText('K2: +1 units');
  await expect(page.getByRole('table', { name: 'Ceiling lines' })).toContainText('originally 1,000');

  await page.goto(agreementUrl + '?as_of=2025-03-31');
  await expect(page.getByText('As of 2025-03-31.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Ceiling lines' })).not.toContainText('originally');

  await page.goto(agreementUrl);
  await page.getByRole('table', { name: 'Amendments' }).getByRole('row').filter({ hasText: reason }).getByRole('link', { name: 'Delete…' }).click();
  await expect(page.getByText(reason)).toBeVisible();
  await page.getByRole('button', { name: 'Delete amendment' }).click();
  await expect(page.getByRole('status').first()).toContainText('Amendment deleted');
  await expect(page.locator('main')).not.toContainText(reason);
});
