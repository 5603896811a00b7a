import { expect, test } from '@playwright/test';
import { openHydrated } from './support';

// Pictures of every page in light and dark, for people to look at (end2end/screenshots/).
const pages = [
  { name: 'home', path: '/', heading: 'Welcome to Parley' },
  { name: 'status', path: '/status', heading: 'System status' },
  { name: 'not-found', path: '/missing', heading: 'Page not found' },
];

for (const scheme of ['light', 'dark'] as const) {
  for (const p of pages) {
    test(`screenshot ${p.name} ${scheme}`, async ({ page }, info) => {
      await page.emulateMedia({ colorScheme: scheme });
      await openHydrated(page, p.path);
      await expect(page.getByRole('heading', { name: p.heading })).toBeVisible();
      await page.screenshot({ path: `screenshots/${p.name}-${info.project.name}-${scheme}.png`, fullPage: true });
    });
  }
}
