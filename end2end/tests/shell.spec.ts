import { expect, test } from '@playwright/test';
import { collectPageErrors, openHydrated } from './support';

test('the shell renders on the server before any script runs', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL });
  const page = await context.newPage();
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main', includeHidden: true })).toBeAttached();
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  await context.close();
});

test('the shell hydrates without errors or CSP violations', async ({ page }) => {
  const errors = collectPageErrors(page);
  const response = await openHydrated(page, '/');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=_-]+'/);
  expect(csp).not.toContain('unsafe-inline');
  await expect(page).toHaveTitle('Parley');
  expect(errors).toEqual([]);
});

test('navigating through the sidebar loads the status page client-side', async ({ page, isMobile }) => {
  await openHydrated(page, '/');
  if (isMobile) {
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
  }
  const nav = page.getByRole('navigation', { name: 'Main', includeHidden: true });
  await nav.getByRole('link', { name: 'System status' }).click();
  await expect(page).toHaveURL(/\/status$/);
  await expect(page.getByRole('heading', { name: 'System status' })).toBeVisible();
  await expect(page.getByText(/Reachable \(/)).toBeVisible();
  await expect(page.getByText(/(\d+) of \1 applied/)).toBeVisible();
  await expect(nav.getByRole('link', { name: 'System status', includeHidden: true })).toHaveAttribute('aria-current', 'page');
  await expect(page).toHaveTitle('System status · Parley');
});

test('the sidebar collapses on desktop and opens as a drawer on a phone', async ({ page, isMobile }) => {
  await openHydrated(page, '/');
  const nav = page.getByRole('navigation', { name: 'Main', includeHidden: true });
  const shell = page.locator('.shell');
  if (isMobile) {
    // Closed, the drawer is hidden: off screen and out of the tab order.
    await expect(nav).toBeHidden();
    await expect(nav).not.toBeInViewport();
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await expect(nav).toBeInViewport();
    await page.getByRole('link', { name: 'Home' }).click();
    await expect(nav).not.toBeInViewport();
  } else {
    const wide = (await nav.boundingBox())?.width ?? 0;
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await expect(shell).toHaveAttribute('data-sidebar', 'toggled');
    await expect.poll(async () => (await nav.boundingBox())?.width ?? 0).toBeLessThan(wide);
    await expect(page.getByRole('link', { name: 'Home' })).toBeVisible();
  }
});

test('unknown pages answer 404 inside the shell', async ({ page }) => {
  const response = await openHydrated(page, '/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main', includeHidden: true })).toBeAttached();
  await page.getByRole('link', { name: 'Back to the home page' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
});
