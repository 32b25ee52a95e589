import { expect, test } from '@playwright/test';
import { expectSameDocument, formReady, jsEnabled, markDocument, uniqueName } from './helpers';
import { stateFile } from './auth';

test.describe('supplier firms', () => {
  test('the list shows the demo firms in a table', async ({ page }) => {
    const response = await page.goto('/firms');
    expect(response?.status()).toBe(200);
    await expect(page).toHaveTitle('Firms · Defense Export Tracker');
    const table = page.locator('table.data');
    await expect(table.locator('thead th').first()).toHaveText('Name ▲');
    const row = table.locator('tbody tr', { hasText: 'Hyundai Rotem' });
    await expect(row).toContainText('South Korea');
    await expect(row.getByRole('link', { name: 'www.hyundai-rotem.co.kr' })).toBeVisible();
  });

  test('adding a firm shows it in the list', async ({ page }, testInfo) => {
    const name = uniqueName('Hanwha Ocean', testInfo);
    await page.goto('/firms');
    const form = page.locator('form[method="post"][action="/firms"]');
    await formReady(page, form, testInfo);
    if (jsEnabled(testInfo)) await markDocument(page);

    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Home country').selectOption('KR');
    await form.getByLabel('Website').fill('www.hanwhaocean.com');
    await form.getByLabel('Notes').fill('KSS-III submarines');
    await form.getByRole('button', { name: 'Add firm' }).click();

    await expect(page.getByRole('status')).toHaveText(`Added “${name}”.`);
    const row = page.locator('table.data tbody tr', { hasText: name });
    await expect(row).toContainText('South Korea');
    await expect(row).toHaveClass(/highlight/);
    if (jsEnabled(testInfo)) {
      await expectSameDocument(page); // no reload: the island updated the list in place
      await expect(form.getByLabel('Name')).toHaveValue(''); // ready for the next one
    } else {
      await expect(page).toHaveURL(/\/firms\?created=\d+$/); // plain POST, then a redirect
    }

    // It is stored: a fresh load shows it too.
    await page.goto('/firms');
    await expect(page.locator('table.data tbody tr', { hasText: name })).toBeVisible();
  });

  test('bad input gets a message at the field, keeps what was typed, and can be fixed', async ({ page }, testInfo) => {
    const name = uniqueName('PGZ', testInfo);
    await page.goto('/firms');
    const form = page.locator('form[method="post"][action="/firms"]');
    await formReady(page, form, testInfo);

    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Home country').selectOption('PL');
    await form.getByLabel('Website').fill('not a web address');
    await form.getByRole('button', { name: 'Add firm' }).click();

    const website = form.getByLabel('Website');
    await expect(page.locator('#firm-website-error')).toHaveText(
      '“not a web address” is not a web address; use one like https://www.hanwha.com.',
    );
    await expect(website).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByLabel('Name')).toHaveValue(name);
    await expect(page.getByRole('alert').first()).toContainText('Nothing was saved');
    await expect(page.locator('table.data tbody tr', { hasText: name })).toHaveCount(0);

    await website.fill('www.pgzsa.pl');
    await form.getByRole('button', { name: 'Add firm' }).click();
    await expect(page.getByRole('status')).toHaveText(`Added “${name}”.`);
    await expect(page.locator('#firm-website-error')).toHaveText('');
    await expect(page.locator('table.data tbody tr', { hasText: name })).toContainText('Poland');
  });

  test('a duplicate name is refused at the name field', async ({ page }, testInfo) => {
    await page.goto('/firms');
    const form = page.locator('form[method="post"][action="/firms"]');
    await formReady(page, form, testInfo);
    await form.getByLabel('Name').fill('HYUNDAI ROTEM');
    await form.getByLabel('Home country').selectOption('KR');
    await form.getByRole('button', { name: 'Add firm' }).click();
    await expect(page.locator('#firm-name-error')).toContainText('already exists');
  });

  test('an edit conflict from a second browser loses neither change', async ({ browser, page }, testInfo) => {
    // Create the firm both people will edit.
    const name = uniqueName('Poongsan', testInfo);
    await page.goto('/firms');
    const createForm = page.locator('form[method="post"][action="/firms"]');
    await formReady(page, createForm, testInfo);
    await createForm.getByLabel('Name').fill(name);
    await createForm.getByLabel('Home country').selectOption('KR');
    await createForm.getByRole('button', { name: 'Add firm' }).click();
    await page.locator('table.data tbody tr', { hasText: name }).getByRole('link', { name: 'Edit' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Edit “${name}”`);
    const editUrl = page.url();

    // A second person opens the same form in their own browser context.
    const other = await browser.newContext({
      baseURL: testInfo.project.use.baseURL,
      javaScriptEnabled: jsEnabled(testInfo),
      storageState: stateFile(testInfo, 'editor'),
    });
    const otherPage = await other.newPage();
    await otherPage.goto(editUrl);
    const otherForm = otherPage.locator('form[action$="/edit"]');
    await formReady(otherPage, otherForm, testInfo);
    const form = page.locator('form[action$="/edit"]');
    await formReady(page, form, testInfo);

    // They save first.
    await otherForm.getByLabel('Notes').fill('Ammunition; their note');
    await otherForm.getByRole('button', { name: 'Save changes' }).click();
    await expect(otherPage.getByRole('status')).toContainText('Saved at');

    // Our save does not overwrite theirs: we see their version and keep ours.
    await form.getByLabel('Notes').fill('Brass and shells; my note');
    await form.getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.locator('.conflict');
    await expect(conflict).toContainText('someone else changed this firm');
    await expect(conflict).toContainText('Ammunition; their note');
    await expect(form.getByLabel('Notes')).toHaveValue('Brass and shells; my note');

    // Saving again, knowingly, stores ours.
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('status')).toContainText('Saved at');
    await page.goto(editUrl.replace(/\/edit$/, ''));
    await expect(page.locator('dd.notes')).toHaveText('Brass and shells; my note');
    await other.close();
  });

  test('deleting asks for confirmation first', async ({ page }, testInfo) => {
    const name = uniqueName('Doomed Defence', testInfo);
    await page.goto('/firms');
    const form = page.locator('form[method="post"][action="/firms"]');
    await formReady(page, form, testInfo);
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Home country').selectOption('TR');
    await form.getByRole('button', { name: 'Add firm' }).click();

    await page.getByRole('link', { name: `Delete ${name}` }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Delete “${name}”?`);
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name); // still there

    await page.getByRole('link', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: 'Delete firm' }).click();
    await expect(page).toHaveURL(/\/firms\?deleted=/);
    await expect(page.getByRole('status')).toHaveText(`Deleted “${name}”.`);
    await expect(page.locator('table.data tbody tr', { hasText: name })).toHaveCount(0);
  });

  test('an unknown address is a real 404 page', async ({ page }) => {
    for (const path of ['/no-such-page', '/firms/987654321']) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(404);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
      await expect(page.getByRole('link', { name: 'the list of firms' })).toBeVisible();
    }
  });
});
