import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { collectPageErrors, openHydrated } from './support';

// Single sign-on against a real OpenID Provider: end2end/run.sh starts end2end/oidc/op.mjs
// (oidc-provider, shaped like Microsoft Entra ID) and points Parley's Entra authority at it.
// Its development sign-in page takes any login and password; a login starting with "admin"
// carries the app role Parley.Admin, "user" Parley.User, anything else no role. It grants
// consent up front (as an Entra admin does for an enterprise app), so no consent page shows.
// Every organisation's callback is accepted, so each run makes its own organisation.
const PASSWORD = 'violet kettle drums 42';
const OP_URL = process.env.OP_URL ?? '';
const OP_TENANT_ID = process.env.OP_TENANT_ID ?? '';
const OP_CLIENT_SECRET = process.env.OP_CLIENT_SECRET ?? '';

/** Watches every answer a page receives for the client secret; returns the URLs that had it. */
function watchForSecret(page: Page, leaks: Promise<string | undefined>[]) {
  page.on('response', (response) => {
    leaks.push((async () => {
      const headers = JSON.stringify(await response.allHeaders().catch(() => ({})));
      const type = response.headers()['content-type'] ?? '';
      const body = /wasm|image|font|css|javascript/.test(type) ? '' : await response.text().catch(() => '');
      return headers.includes(OP_CLIENT_SECRET) || body.includes(OP_CLIENT_SECRET) ? response.url() : undefined;
    })());
  });
}

async function watchedPage(context: BrowserContext, leaks: Promise<string | undefined>[]) {
  const page = await context.newPage();
  watchForSecret(page, leaks);
  return page;
}

/** A signed-in owner of a new organisation; returns its slug. */
async function owner(context: BrowserContext, baseURL: string | undefined, run: string) {
  const email = `sso-owner-${run}@example.com`;
  await context.request.post('/api/v1/auth/register', { data: { email, password: PASSWORD, name: 'Olga Owner' } });
  const login = await context.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  expect(login.ok()).toBeTruthy();
  const slug = `acme-${run}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/-+$/, '');
  const created = await context.request.post('/api/v1/tenants', {
    data: { slug, name: 'Acme Research' }, headers: { origin: baseURL ?? '' },
  });
  expect(created.status()).toBe(201);
  return slug;
}

/** From the organisation's sign-in page through the identity provider's sign-in form. */
async function signInWithContoso(page: Page, slug: string, login: string) {
  await openHydrated(page, `/t/${slug}/login`);
  await page.getByRole('link', { name: 'Sign in with Contoso' }).click();
  await expectOpSignInForm(page);
  // oidc-provider's devInteractions login page: inputs without labels, any password works.
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('any password at all');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

async function expectOpSignInForm(page: Page) {
  await expect(page.getByPlaceholder('Enter any login')).toBeVisible();
  expect(page.url().startsWith(`${OP_URL}/interaction/`)).toBeTruthy();
}

async function freshPage(browser: Browser, baseURL: string | undefined, leaks: Promise<string | undefined>[]) {
  return watchedPage(await browser.newContext({ baseURL }), leaks);
}

test.beforeAll(() => {
  expect(OP_URL, 'end2end/run.sh sets OP_URL').not.toBe('');
  expect(OP_CLIENT_SECRET, 'end2end/run.sh sets OP_CLIENT_SECRET').not.toBe('');
});

test('an owner connects Entra ID; people sign in with their roles, the roleless are refused, signing out ends both sessions', async ({ browser, baseURL }, info) => {
  test.setTimeout(90_000);
  const run = `${info.project.name}-${Date.now()}`;
  const leaks: Promise<string | undefined>[] = [];
  const ownerContext = await browser.newContext({ baseURL });
  const slug = await owner(ownerContext, baseURL, run);

  // 1. The owner adds the connection; only the secret's last four characters come back.
  const settings = await watchedPage(ownerContext, leaks);
  const errors = collectPageErrors(settings);
  await openHydrated(settings, `/t/${slug}/settings/sso`);
  await expect(settings.getByRole('heading', { name: 'Single sign-on', level: 1 })).toBeVisible();
  const form = settings.getByRole('article').filter({ has: settings.getByRole('heading', { name: 'Add a connection' }) });
  await form.getByLabel('Name', { exact: true }).fill('Contoso');
  await form.getByLabel('Provider type').selectOption('entra');
  await form.getByLabel('Directory (tenant) ID').fill(OP_TENANT_ID);
  await form.getByLabel('Client ID', { exact: true }).fill('parley-e2e');
  await form.getByLabel('Client secret', { exact: true }).fill(OP_CLIENT_SECRET);
  await form.getByLabel('Role mappings').fill('Parley.Admin = admin\nParley.User = member');
  await form.getByLabel('Create accounts on first sign-in').check();
  await form.getByRole('button', { name: 'Add connection' }).click();
  const card = settings.getByRole('article', { name: 'Connection Contoso' });
  await expect(card).toBeVisible();
  await expect(card.getByText(`…${OP_CLIENT_SECRET.slice(-4)}`, { exact: true })).toBeVisible();
  await card.getByRole('button', { name: 'Test this connection' }).click();
  await expect(card.getByRole('status').filter({ hasText: 'Found the discovery document' })).toBeVisible();
  expect(await settings.content()).not.toContain(OP_CLIENT_SECRET);
  const reloaded = await openHydrated(settings, `/t/${slug}/settings/sso`);
  expect(await reloaded?.text()).not.toContain(OP_CLIENT_SECRET);
  await expect(settings.getByRole('article', { name: 'Connection Contoso' })).toBeVisible();
  expect(await settings.content()).not.toContain(OP_CLIENT_SECRET);
  expect(errors).toEqual([]);

  // 2. An admin of the directory signs in for the first time and gets an admin account.
  const alice = `admin.alice+${run}`;
  const aliceEmail = `${alice}@contoso.test`.toLowerCase();
  const page = await freshPage(browser, baseURL, leaks);
  await signInWithContoso(page, slug, alice);
  await expect(page).toHaveURL(new RegExp(`/t/${slug}$`));
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByRole('heading', { name: 'Acme Research' })).toBeVisible();
  await expect(page.getByText('You are an admin here.')).toBeVisible();
  await openHydrated(settings, `/t/${slug}/members`);
  await expect(settings.getByRole('cell', { name: aliceEmail })).toBeVisible();
  await expect(settings.getByLabel('Role of Admin Alice')).toHaveValue('admin');

  // 3. Someone the directory gives no Parley role is refused, and told why.
  const bob = await freshPage(browser, baseURL, leaks);
  await signInWithContoso(bob, slug, `nobody.bob+${run}`);
  await expect(bob).toHaveURL(/\/sso\/problem\?/);
  await expect(bob.getByRole('heading', { name: 'You have no access to this organisation' })).toBeVisible();
  await openHydrated(bob, `/t/${slug}`);
  await expect(bob).toHaveURL((u) => u.pathname === '/login' && u.searchParams.get('next') === `/t/${slug}`);

  // 4. Signing out also signs out at the identity provider (after its confirmation page).
  await page.getByLabel('Account menu for Admin Alice').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await expect(page).toHaveURL((url) => url.origin === new URL(baseURL ?? '').origin && url.pathname === '/login');
  await openHydrated(page, `/t/${slug}`);
  await expect(page).toHaveURL((u) => u.pathname === '/login' && u.searchParams.get('next') === `/t/${slug}`);
  // The identity provider forgot her too: signing in again asks who she is.
  await openHydrated(page, `/t/${slug}/login`);
  await page.getByRole('link', { name: 'Sign in with Contoso' }).click();
  await expectOpSignInForm(page);

  // 5. No answer, to any of these browsers, carried the client secret.
  expect((await Promise.all(leaks)).filter(Boolean)).toEqual([]);
});
