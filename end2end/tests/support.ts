import { expect, type Locator, type Page } from '@playwright/test';

/** Opens a page and waits until Leptos has hydrated it. */
export async function openHydrated(page: Page, path: string) {
  const response = await page.goto(path);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  return response;
}

/** Collects console errors and CSP violations while a test runs. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/**
 * A picture of the page for people to look at (end2end/screenshots/), compared with its
 * committed baseline (end2end/baselines/) so a layout regression fails the suite. What
 * differs from run to run (times, secrets, measurements) is masked.
 */
export async function picture(page: Page, name: string, options: { fullPage?: boolean; mask?: Locator[] } = {}) {
  const fullPage = options.fullPage ?? true;
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage });
  await expect(page).toHaveScreenshot(`${name}.png`, {
    fullPage,
    // Times, secrets, and this run's ports (in addresses shown as text).
    mask: [page.locator('time, .secret'), page.getByText(/127\.0\.0\.1:\d+/), ...(options.mask ?? [])],
  });
}
