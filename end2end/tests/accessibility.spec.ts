import AxeBuilder from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { openHydrated } from './support';
import { owner, post, PASSWORD, withProvider } from './workspace';

// axe-core finds no violation, of any impact, on any page for any role, in light and dark.

async function violations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function audit(page: Page, paths: string[]) {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of paths) {
      await openHydrated(page, path);
      await page.waitForLoadState('networkidle');
      for (const v of await violations(page)) found.push(`${path} [${scheme}] ${v}`);
    }
  }
  return found;
}

async function joined(browser: import('@playwright/test').Browser, baseURL: string | undefined, ownerContext: BrowserContext, slug: string, role: string, run: string) {
  const context = await browser.newContext({ baseURL });
  const email = `axe-${role}-${run}@example.com`;
  await context.request.post('/api/v1/auth/register', { data: { email, password: PASSWORD, name: `Axe ${role}` } });
  expect((await context.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } })).ok()).toBeTruthy();
  const invited = await post(ownerContext, baseURL, `/api/v1/tenants/${slug}/invitations`, { role });
  const { token } = await invited.json();
  expect((await post(context, baseURL, `/api/v1/invitations/${token}/accept`, {})).ok()).toBeTruthy();
  return context;
}

test('public pages', async ({ page }) => {
  expect(await audit(page, ['/', '/login', '/signup', '/status', '/missing'])).toEqual([]);
});

test('every page of each role', async ({ browser, baseURL }, info) => {
  test.setTimeout(120_000);
  const run = `axe-${info.project.name}-${Date.now()}`;
  const ownerContext = await browser.newContext({ baseURL });
  const slug = await owner(ownerContext, baseURL, run);
  await withProvider(ownerContext, baseURL, slug);
  const chat = await post(ownerContext, baseURL, `/api/v1/tenants/${slug}/chats`, {});
  const { id } = await chat.json();
  await post(ownerContext, baseURL, `/api/v1/tenants/${slug}/chats/${id}/messages`, { content: 'Hello there' });

  const everyone = ['/', '/account', `/t/${slug}`, `/t/${slug}/members`];
  const found = [
    ...await audit(await ownerContext.newPage(), [...everyone, '/new', `/t/${slug}/chat?tabs=${id}&chat=${id}`, `/t/${slug}/settings/ai`, `/t/${slug}/settings/sso`]),
    ...await audit(await (await joined(browser, baseURL, ownerContext, slug, 'member', run)).newPage(), [...everyone, `/t/${slug}/chat`, `/t/${slug}/settings/ai`]),
    ...await audit(await (await joined(browser, baseURL, ownerContext, slug, 'viewer', run)).newPage(), [...everyone, `/t/${slug}/chat`]),
  ];
  expect(found).toEqual([]);
});

test('the platform admin page', async ({ page }) => {
  expect((await page.request.post('/api/v1/auth/login', { data: { email: 'admin@parley.test', password: 'e2e-admin-password' } })).ok()).toBeTruthy();
  expect(await audit(page, ['/admin'])).toEqual([]);
});
