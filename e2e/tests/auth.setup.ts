// Signs in each role once per server and keeps the session cookie for the specs.
import { expect, test as setup } from '@playwright/test';
import { ROLES, signIn, stateFile } from './auth';

for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ page }, testInfo) => {
    await page.goto('/login');
    await signIn(page, `e2e-${role}`);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('banner').getByText(`e2e-${role}`)).toBeVisible();
    await page.context().storageState({ path: stateFile(testInfo, role) });
  });
}
