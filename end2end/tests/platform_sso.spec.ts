import { expect, test, type Browser, type Page } from '@playwright/test';
import { openHydrated } from './support';

// The platform's own single sign-on (PARLEY_PLATFORM_SSO_*), against a real OpenID Provider:
// end2end/run.sh starts end2end/oidc/op.mjs (oidc-provider, shaped like Microsoft Entra ID)
// and configures Parley's platform connection "Contoso ID" with its second client
// (OP_PLATFORM_CLIENT_ID), whose callback is `/sso/callback`. On its development sign-in page
// any login and password work; a login starting with "operator" holds the platform admin
// role (Parley.PlatformAdmin), "admin" only an organisation's role (Parley.Admin), anything
// else no role. Consent is granted up front, so no consent page shows.
const PASSWORD = 'violet kettle drums 42';
const NAME = process.env.PLATFORM_SSO_NAME ?? 'Contoso ID';
const OP_URL = process.env.OP_URL ?? '';
const CLIENT_ID = process.env.OP_PLATFORM_CLIENT_ID ?? 'parley-platform-e2e';
const SECRETS = [process.env.OP_PLATFORM_CLIENT_SECRET ?? '', process.env.OP_CLIENT_SECRET ?? ''];

type Leaks = Promise<string | undefined>[];

/** Watches every answer a page receives for a client secret; collects the URLs that had one. */
function watchForSecrets(page: Page, leaks: Leaks) {
  page.on('response', (response) => {
    leaks.push((async () => {
      const headers = JSON.stringify(await response.allHeaders().catch(() => ({})));
      const type = response.headers()['content-type'] ?? '';
      const body = /wasm|image|font|css|javascript/.test(type) ? '' : await response.text().catch(() => '');
      return SECRETS.some((s) => headers.includes(s) || body.includes(s)) ? response.url() : undefined;
    })());
  });
}

/** A page in a browser of its own (no cookies, here or at the identity provider). */
async function freshPage(browser: Browser, baseURL: string | undefined, leaks: Leaks) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  watchForSecrets(page, leaks);
  return page;
}

/**
 * Console errors and uncaught exceptions of Parley's own pages, with the page they came from.
 * The identity provider's development pages are not ours: what they fail to load (web fonts
 * from the internet, a favicon) is left out.
 */
function collectParleyErrors(page: Page, baseURL: string | undefined) {
  const origin = new URL(baseURL ?? '').origin;
  const errors: string[] = [];
  const onParley = () => page.url().startsWith(`${origin}/`);
  page.on('console', (msg) => {
    if (msg.type() === 'error' && onParley()) errors.push(`${page.url()}: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => {
    if (onParley()) errors.push(`${page.url()}: ${err.message}`);
  });
  return errors;
}

/** Every top-level navigation of the page, in order: where the browser has been. */
function recordNavigations(page: Page) {
  const urls: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) urls.push(request.url());
  });
  return urls;
}

async function clickPlatformButton(page: Page) {
  await openHydrated(page, '/login');
  const button = page.getByRole('link', { name: `Sign in with ${NAME}` });
  await expect(button).toHaveAttribute('href', '/sso/platform/start');
  await button.click();
}

async function expectOpSignInForm(page: Page) {
  await expect(page.getByPlaceholder('Enter any login')).toBeVisible();
  expect(page.url().startsWith(`${OP_URL}/interaction/`)).toBeTruthy();
}

/** oidc-provider's devInteractions login page: inputs without labels, any password works. */
async function signInAtOp(page: Page, login: string) {
  await expectOpSignInForm(page);
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('any password at all');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

/** From Parley's sign-in page, through the identity provider's sign-in form. */
async function signInWithPlatformSso(page: Page, login: string) {
  await clickPlatformButton(page);
  await signInAtOp(page, login);
}

/** Who the page's browser is signed in as, by the API; `undefined` when nobody. */
async function whoAmI(page: Page) {
  const me = await page.request.get('/api/v1/me');
  if (me.status() === 401) return undefined;
  expect(me.ok()).toBeTruthy();
  return (await me.json()) as { email: string; name: string; is_super_admin: boolean };
}

function onParley(baseURL: string | undefined, path: string) {
  const origin = new URL(baseURL ?? '').origin;
  return (url: URL) => url.origin === origin && url.pathname === path;
}

test.beforeAll(() => {
  expect(OP_URL, 'end2end/run.sh sets OP_URL').not.toBe('');
  expect(SECRETS[0], 'end2end/run.sh sets OP_PLATFORM_CLIENT_SECRET').not.toBe('');
});

test('a platform admin signs in with the platform SSO, lands on the admin page, and signing out ends both sessions', async ({ browser, baseURL }, info) => {
  test.setTimeout(90_000);
  const run = `${info.project.name}-${Date.now()}`;
  const leaks: Leaks = [];
  const login = `operator.olivia+${run}`;
  const email = `${login}@contoso.test`.toLowerCase();

  // 1. A first sign-in: her account is made, as a super-admin, and she lands on /admin.
  const page = await freshPage(browser, baseURL, leaks);
  const errors = collectParleyErrors(page, baseURL);
  const visited = recordNavigations(page);
  await signInWithPlatformSso(page, login);
  await expect(page).toHaveURL(onParley(baseURL, '/admin'));
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByRole('heading', { name: 'Platform admin', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Account menu for Operator Olivia')).toBeVisible();
  expect(await whoAmI(page)).toMatchObject({ email, name: 'Operator Olivia', is_super_admin: true });
  await page.getByLabel('Search users').fill(email);
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: email, exact: true }) });
  await expect(row).toBeVisible();
  await expect(row.getByText('Super-admin', { exact: true })).toBeVisible();
  // The identity provider was asked for the platform's client and called back /sso/callback.
  const authorize = visited.find((u) => u.startsWith(`${OP_URL}/auth?`));
  expect(authorize, `navigations: ${visited.join('\n')}`).toBeDefined();
  const asked = new URL(authorize ?? '').searchParams;
  expect(asked.get('client_id')).toBe(CLIENT_ID);
  expect(asked.get('redirect_uri')).toBe(`${new URL(baseURL ?? '').origin}/sso/callback`);
  expect(visited.some((u) => u.startsWith(`${new URL(baseURL ?? '').origin}/sso/callback?`))).toBeTruthy();

  // 2. Signing out passes through the identity provider's end-session endpoint (after its
  //    confirmation page) and comes back to Parley's sign-in page.
  const discovery = await page.request.get(`${OP_URL}/.well-known/openid-configuration`);
  const endSession = (await discovery.json()).end_session_endpoint as string;
  expect(endSession).toMatch(/^http/);
  const before = visited.length;
  await page.getByLabel('Account menu for Operator Olivia').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await expect(page).toHaveURL(onParley(baseURL, '/login'));
  await expect(page.getByText('You are signed out.')).toBeVisible();
  const ended = visited.slice(before).find((u) => u.startsWith(`${endSession}?`) || u === endSession);
  expect(ended, `navigations after signing out: ${visited.slice(before).join('\n')}`).toBeDefined();
  expect(new URL(ended ?? '').searchParams.get('client_id')).toBe(CLIENT_ID);
  expect(await whoAmI(page)).toBeUndefined();
  expect(errors).toEqual([]);

  // 3. /admin no longer opens: it sends her to sign in, and back afterwards.
  await openHydrated(page, '/admin');
  await expect(page).toHaveURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/admin');
  await expect(page.getByRole('heading', { name: 'Platform admin' })).toHaveCount(0);

  // 4. The identity provider forgot her too: signing in again asks who she is.
  await clickPlatformButton(page);
  await expectOpSignInForm(page);

  expect((await Promise.all(leaks)).filter(Boolean)).toEqual([]);
});

test('someone without the platform admin role is refused, told why, and not signed in', async ({ browser, baseURL }, info) => {
  test.setTimeout(60_000);
  const run = `${info.project.name}-${Date.now()}`;
  const leaks: Leaks = [];
  // An organisation's admin role (Parley.Admin) is not the platform's.
  const login = `admin.dave+${run}`;
  const email = `${login}@contoso.test`.toLowerCase();

  const page = await freshPage(browser, baseURL, leaks);
  const errors = collectParleyErrors(page, baseURL);
  await signInWithPlatformSso(page, login);
  await expect(page).toHaveURL((url) => onParley(baseURL, '/sso/problem')(url)
    && url.searchParams.get('code') === 'no_role' && url.searchParams.get('platform') === '1');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByRole('heading', { name: 'You have no access to the platform', level: 1 })).toBeVisible();
  await expect(page.getByLabel(/^Account menu for/)).toHaveCount(0);
  expect(await whoAmI(page)).toBeUndefined();
  expect(errors).toEqual([]);
  await openHydrated(page, '/admin');
  await expect(page).toHaveURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/admin');

  // No account was made for him.
  const admin = await browser.newContext({ baseURL });
  const signedIn = await admin.request.post('/api/v1/auth/login', { data: { email: 'admin@parley.test', password: 'e2e-admin-password' } });
  expect(signedIn.ok()).toBeTruthy();
  const adminPage = await admin.newPage();
  await openHydrated(adminPage, '/admin');
  await adminPage.getByLabel('Search users').fill(email);
  await expect(adminPage.getByText(`No users match “${email}”.`)).toBeVisible();

  expect((await Promise.all(leaks)).filter(Boolean)).toEqual([]);
});

test('a password user links the platform SSO from their account, then signs in with it as themselves', async ({ browser, baseURL }, info) => {
  test.setTimeout(90_000);
  const run = `${info.project.name}-${Date.now()}`;
  const leaks: Leaks = [];
  const email = `lena-${run}@example.com`.toLowerCase();
  // The directory knows her by another name and address: linking, not e-mail, ties them.
  const login = `linked.lee+${run}`;

  // 1. Lena signs in with her password and links "Contoso ID" on her account page.
  const page = await freshPage(browser, baseURL, leaks);
  const errors = collectParleyErrors(page, baseURL);
  await page.request.post('/api/v1/auth/register', { data: { email, password: PASSWORD, name: 'Lena Password' } });
  expect((await page.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } })).ok()).toBeTruthy();
  await openHydrated(page, '/account');
  const card = page.getByRole('region', { name: 'Single sign-on' });
  await expect(card).toBeVisible();
  await expect(card.getByText(`Platform · ${NAME}`)).toBeVisible();
  await card.getByRole('button', { name: `Link ${NAME}` }).click();
  await signInAtOp(page, login);
  await expect(page).toHaveURL(onParley(baseURL, '/account'));
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByRole('region', { name: 'Single sign-on' }).getByText('Linked', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: `Link ${NAME}` })).toHaveCount(0);
  // Still herself, and linking gave her no rights.
  expect(await whoAmI(page)).toMatchObject({ email, name: 'Lena Password', is_super_admin: false });
  expect(errors).toEqual([]);

  // 2. In another browser (signed in nowhere), "Sign in with Contoso ID" signs her in as herself.
  const other = await freshPage(browser, baseURL, leaks);
  const otherErrors = collectParleyErrors(other, baseURL);
  await signInWithPlatformSso(other, login);
  await expect(other).toHaveURL(onParley(baseURL, '/'));
  await expect(other.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(other.getByLabel('Account menu for Lena Password')).toBeVisible();
  expect(await whoAmI(other)).toMatchObject({ email, name: 'Lena Password', is_super_admin: false });
  expect(otherErrors).toEqual([]);

  expect((await Promise.all(leaks)).filter(Boolean)).toEqual([]);
});
