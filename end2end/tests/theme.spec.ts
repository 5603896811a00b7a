import { expect, test } from '@playwright/test';
import { openHydrated } from './support';

test('the theme follows the OS until the user picks one, and the choice survives a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openHydrated(page, '/');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'system');
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const darkSystem = await background();

  const toggle = page.getByRole('button', { name: /theme \(switch to/i });
  await toggle.click(); // system -> light
  await expect(html).toHaveAttribute('data-theme', 'light');
  expect(await background()).not.toBe(darkSystem);

  await toggle.click(); // light -> dark
  await expect(html).toHaveAttribute('data-theme', 'dark');
  expect(await background()).toBe(darkSystem);

  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByRole('button', { name: /^Dark theme/ })).toBeVisible();
});
