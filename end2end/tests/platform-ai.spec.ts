import { expect, test, type BrowserContext } from '@playwright/test';
import { openHydrated } from './support';

// The platform's own AI provider (end2end/run.sh configures the test provider as it): the
// super-admin offers it to one organisation on the admin page, and its owner chats through
// it without adding a provider.
const PASSWORD = 'violet kettle drums 42';

async function signIn(context: BrowserContext, email: string, password: string, name = 'Pat Platform') {
  await context.request.post('/api/v1/auth/register', { data: { email, password, name } });
  const r = await context.request.post('/api/v1/auth/login', { data: { email, password } });
  expect(r.ok()).toBeTruthy();
}

test('a super-admin offers the platform AI to an organisation, whose owner then chats with it', async ({ browser, baseURL }, info) => {
  test.setTimeout(60_000);
  const run = `${info.project.name}-${Date.now()}`;
  const slug = `plat-${run}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/-+$/, '');
  const owner = await browser.newContext({ baseURL });
  await signIn(owner, `pat-${run}@example.com`, PASSWORD);
  const created = await owner.request.post('/api/v1/tenants', {
    data: { slug, name: `Platform ${run}` }, headers: { origin: baseURL ?? '' },
  });
  expect(created.status()).toBe(201);

  const admin = await browser.newContext({ baseURL });
  await signIn(admin, 'admin@parley.test', 'e2e-admin-password');
  const adminPage = await admin.newPage();
  await openHydrated(adminPage, '/admin');
  await adminPage.getByLabel('Search organisations').fill(slug);
  const offer = adminPage.getByLabel(`Offer the platform's AI provider to Platform ${run}`);
  await expect(offer).not.toBeChecked();
  await offer.check();
  await expect(adminPage.getByRole('row', { name: new RegExp(slug) })).toBeVisible();
  await expect(adminPage.getByLabel(`Offer the platform's AI provider to Platform ${run}`)).toBeChecked();

  const page = await owner.newPage();
  await openHydrated(page, `/t/${slug}/chat`);
  await expect(page.getByLabel('Model')).toHaveValue('platform/parley-echo');
  await expect(page.getByRole('option', { name: 'parley-echo · Platform' })).toBeAttached();
  const composer = page.getByRole('textbox', { name: 'Message', exact: true });
  await composer.fill('Hello from the platform');
  await composer.press('Enter');
  await expect(page.locator('li.message[data-role="assistant"]').last()).toContainText('You said: Hello from the platform.');
});
