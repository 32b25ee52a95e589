import { expect, test } from '@playwright/test';
import { uniqueName } from './helpers';

test('add a delivery plan, see what is late, record the late delivery, find it behind schedule', async ({ page }, testInfo) => {
  const title = uniqueName('K2PL on a plan', testInfo);
  const year = new Date().getUTCFullYear();
  const today = new Date().toISOString().slice(0, 10);

  // A contract signed three years ago for 10 K2PL.
  await page.goto('/contracts/new');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Buyer', { exact: true }).selectOption('PL');
  await page.getByLabel('Signed on').fill(`${year - 3}-03-01`);
  const line = page.getByRole('group', { name: 'Line 1' });
  await line.getByLabel('System').selectOption({ label: 'K2PL (armoured vehicles)' });
  await line.getByLabel('Quantity', { exact: true }).fill('10');
  await page.getByRole('button', { name: 'Save contract' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Contract saved.');
  const contractUrl = page.url().replace(/\?.*$/, '');
  await expect(page.getByText('No plan recorded')).toBeVisible();

  // A plan with a mistake: the message at its field, what was typed kept.
  await page.getByRole('link', { name: 'Add a delivery plan' }).click();
  await expect(page.getByRole('heading', { name: 'Delivery plan' })).toBeVisible();
  const first = page.getByRole('group', { name: 'Planned delivery 1' });
  await first.getByLabel('Period').fill('by next year');
  await first.getByLabel('Units planned').fill('6');
  await page.getByRole('button', { name: 'Save plan' }).click();
  await expect(page.getByRole('alert').first()).toContainText('Nothing was saved');
  await expect(page.locator('#e-plan0_period-error')).toContainText('not a period');
  await expect(page.locator('#e-plan0_source-error')).toContainText('source');
  await expect(first.getByLabel('Units planned')).toHaveValue('6');

  // Six units two years ago, four next year.
  await first.getByLabel('Period').fill(`${year - 2}`);
  await first.getByLabel('Plan source').fill('Armament Agency schedule');
  const second = page.getByRole('group', { name: 'Planned delivery 2' });
  await second.getByLabel('Period').fill(`${year + 1}`);
  await second.getByLabel('Units planned').fill('4');
  await second.getByLabel('Confidence').selectOption('estimated');
  await second.getByLabel('Plan source').fill('Armament Agency schedule');
  await page.getByRole('button', { name: 'Save plan' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Delivery plan saved.');
  const plan = page.getByRole('table', { name: 'Delivery plan of K2PL' });
  await expect(plan.locator('tbody tr').first()).toContainText('late: 6');
  await expect(plan.locator('tbody tr').nth(1)).toContainText('to come');
  await expect(page.getByText('Behind schedule on')).toBeVisible();

  // The list finds it behind schedule.
  await page.goto('/contracts');
  await page.getByLabel('Search').fill(title);
  await page.getByLabel('Behind schedule only').check();
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/schedule=behind/);
  await expect(page.getByRole('link', { name: title })).toBeVisible();

  // The six delivered today, late: on schedule now; the past period keeps what it lacked.
  await page.goto(contractUrl);
  const delivery = page.locator('form[action$="/deliveries"]');
  await delivery.getByLabel('Delivered on').fill(today);
  await delivery.getByLabel('Units').fill('6');
  await delivery.getByRole('button', { name: 'Record delivery' }).click();
  await expect(page.getByText('Delivery recorded.')).toBeVisible();
  await expect(page.getByText('On schedule on')).toBeVisible();
  await expect(plan.locator('tbody tr').first()).toContainText('delivered late');
  await expect(plan.locator('tbody tr').first().locator('td').nth(3)).toHaveText('0'); // delivered by then

  await page.goto(`/contracts?schedule=behind&q=${encodeURIComponent(title)}`);
  await expect(page.getByRole('link', { name: title })).toHaveCount(0);
});

test('the summary sets units planned against units delivered by year', async ({ page }) => {
  await page.goto('/summary');
  const table = page.getByRole('table', { name: 'Units planned and delivered by year' });
  await expect(table).toBeVisible();
  // The demo data's K2 contract #2: its 2026–2030 delivery period is one row, never split.
  await expect(table.getByRole('rowheader', { name: '2026–2030' })).toBeVisible();
  await page.getByRole('link', { name: 'Contracts behind schedule' }).click();
  await expect(page).toHaveURL(/schedule=behind/);
  await expect(page.getByRole('link', { name: 'FA-50 executive contract' })).toBeVisible();
});
