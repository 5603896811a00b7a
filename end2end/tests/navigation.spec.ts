import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { openHydrated } from './support';
import { PASSWORD, post } from './workspace';

// Navigation follows who the person is: what the sidebar and the switcher offer changes with
// their memberships and role without a reload, pages a role may not use are neither offered
// nor dead ends, and a session that ends sends the person to sign in and back.

function slugOf(prefix: string, run: string) {
  return `${prefix}-${run}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/-+$/, '');
}

async function signedIn(browser: Browser, baseURL: string | undefined, email: string, name: string) {
  const context = await browser.newContext({ baseURL });
  await context.request.post('/api/v1/auth/register', { data: { email, password: PASSWORD, name } });
  const login = await context.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  expect(login.ok()).toBeTruthy();
  return context;
}

/** `owner` invites with `role`; `who` accepts through the API. */
async function join(owner: BrowserContext, who: BrowserContext, baseURL: string | undefined, slug: string, role: string) {
  const invited = await post(owner, baseURL, `/api/v1/tenants/${slug}/invitations`, { role });
  expect(invited.status()).toBe(201);
  const { token } = await invited.json();
  expect((await post(who, baseURL, `/api/v1/invitations/${token}/accept`, {})).ok()).toBeTruthy();
}

/** The sidebar's links by name, hidden ones too (on phones it is a closed drawer). */
function sidebarLink(page: Page, name: string) {
  return page.locator('#sidebar').getByRole('link', { name, exact: true, includeHidden: true });
}

test('a new organisation and an accepted invitation show in the navigation without a reload', async ({ browser, baseURL }, info) => {
  const run = `${info.project.name}-${Date.now()}`;
  const slug = slugOf('nav', run);
  const ownerContext = await signedIn(browser, baseURL, `nav-owner-${run}@example.com`, 'Nora Nav');
  const owner = await ownerContext.newPage();

  await openHydrated(owner, '/new');
  // The browser checks the address itself: its pattern compiles under the `v` flag.
  const address = owner.getByLabel('Address');
  expect(await address.evaluate((el: HTMLInputElement) => {
    try { new RegExp(`^(?:${el.pattern})$`, 'v'); return true; } catch { return false; }
  })).toBe(true);
  await address.fill('Not a slug!');
  expect(await address.evaluate((el: HTMLInputElement) => el.validity.patternMismatch)).toBe(true);

  await owner.getByLabel('Name').fill('Navigation Works');
  await address.fill(slug);
  await owner.getByRole('button', { name: 'Create organisation' }).click();
  await expect(owner).toHaveURL(new RegExp(`/t/${slug}$`));
  await expect(owner.getByLabel(/Switch organisation \(now: Navigation Works\)/)).toBeVisible();
  await expect(sidebarLink(owner, 'AI settings')).toHaveCount(1);
  await expect(sidebarLink(owner, 'Single sign-on')).toHaveCount(1);
  await expect(sidebarLink(owner, 'Chat')).toHaveCount(1);

  // A member who accepts on the invitation page sees the organisation at once, with a
  // member's links only.
  const memberContext = await signedIn(browser, baseURL, `nav-member-${run}@example.com`, 'Milo Member');
  const invited = await post(ownerContext, baseURL, `/api/v1/tenants/${slug}/invitations`, { role: 'member' });
  const { token } = await invited.json();
  const member = await memberContext.newPage();
  await openHydrated(member, `/invite/${token}`);
  await member.getByRole('button', { name: 'Accept and join' }).click();
  await expect(member).toHaveURL(new RegExp(`/t/${slug}$`));
  await expect(member.getByLabel(/Switch organisation \(now: Navigation Works\)/)).toBeVisible();
  await expect(sidebarLink(member, 'Chat')).toHaveCount(1);
  await expect(sidebarLink(member, 'AI settings')).toHaveCount(0);
});

test('a viewer is offered no chat and meets no dead end on admin pages', async ({ browser, baseURL }, info) => {
  const run = `${info.project.name}-${Date.now()}`;
  const slug = slugOf('view', run);
  const ownerContext = await signedIn(browser, baseURL, `view-owner-${run}@example.com`, 'Olive Owner');
  expect((await post(ownerContext, baseURL, '/api/v1/tenants', { slug, name: 'Viewing Co' })).status()).toBe(201);
  const viewerContext = await signedIn(browser, baseURL, `view-viewer-${run}@example.com`, 'Vic Viewer');
  await join(ownerContext, viewerContext, baseURL, slug, 'viewer');
  const viewer = await viewerContext.newPage();

  await openHydrated(viewer, `/t/${slug}`);
  await expect(viewer).toHaveTitle(/Viewing Co/);
  await expect(sidebarLink(viewer, 'Chat')).toHaveCount(0);
  await expect(sidebarLink(viewer, 'Members')).toHaveCount(1);

  await openHydrated(viewer, `/t/${slug}/chat`);
  await expect(viewer.getByRole('heading', { name: 'Chat is for members' })).toBeVisible();
  await expect(viewer.getByRole('button', { name: /New chat/ })).toHaveCount(0);
  await expect(viewer.getByText('You do not have permission to do that.')).toHaveCount(0);
  await expect(viewer).toHaveTitle(/Chat/);

  for (const [path, what] of [['settings/ai', 'configure AI providers'], ['settings/sso', 'configure single sign-on']]) {
    await openHydrated(viewer, `/t/${slug}/${path}`);
    await expect(viewer.getByRole('heading', { name: 'You cannot use this page' })).toBeVisible();
    await expect(viewer.getByText(`Only admins and owners of this organisation may ${what}`)).toBeVisible();
    await expect(viewer.getByRole('link', { name: 'See who the admins are' })).toHaveAttribute('href', `/t/${slug}/members`);
    await expect(viewer.getByRole('link', { name: 'Reload the page' })).toHaveCount(0);
    await expect(viewer).toHaveTitle(/Not allowed/);
  }
});

test('a session that ends sends the person to sign in, and back afterwards', async ({ browser, baseURL }, info) => {
  const run = `${info.project.name}-${Date.now()}`;
  const slug = slugOf('gone', run);
  const email = `gone-${run}@example.com`;
  const context = await signedIn(browser, baseURL, email, 'Gus Gone');
  expect((await post(context, baseURL, '/api/v1/tenants', { slug, name: 'Gone Ltd' })).status()).toBe(201);
  const page = await context.newPage();
  await openHydrated(page, `/t/${slug}`);

  // Signed out everywhere from elsewhere: the open page's next call finds out.
  const elsewhere = await browser.newContext({ baseURL });
  expect((await elsewhere.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } })).ok()).toBeTruthy();
  expect((await post(elsewhere, baseURL, '/api/v1/auth/logout-everywhere', {})).status()).toBe(204);
  await page.locator('#sidebar').getByRole('link', { name: 'Members', includeHidden: true }).dispatchEvent('click');
  await expect(page).toHaveURL((u) => u.pathname === '/login' && u.searchParams.get('next') === `/t/${slug}/members`);
  await expect(page.getByText('Please sign in to continue.')).toHaveCount(0);

  // A page opened without a session goes there before anything renders.
  await page.goto(`/t/${slug}/members?from=mail`);
  await expect(page).toHaveURL((u) => u.pathname === '/login' && u.searchParams.get('next') === `/t/${slug}/members?from=mail`);

  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/members\\?from=mail$`));
  await expect(page.getByRole('heading', { name: 'Members' })).toBeVisible();
});

test('a platform administrator is not offered to disable their own account', async ({ page }) => {
  expect((await page.request.post('/api/v1/auth/login', { data: { email: 'admin@parley.test', password: 'e2e-admin-password' } })).ok()).toBeTruthy();
  await openHydrated(page, '/admin');
  await page.getByLabel('Search users').fill('admin@parley.test');
  const row = page.getByRole('row', { name: /admin@parley\.test/ });
  await expect(row.getByText('You', { exact: true })).toBeVisible();
  await expect(row.getByRole('button', { name: /Disable/ })).toHaveCount(0);
  await expect(row.getByRole('button', { name: /Reset password/ })).toHaveCount(0);
  await expect(row.getByRole('link', { name: 'Your account' })).toHaveAttribute('href', '/account');
});

test('on a phone the chats drawer has its own button and closes with Escape, and members show their role', async ({ browser, baseURL }, info) => {
  test.skip(info.project.name !== 'phone', 'phone layout');
  const run = `${info.project.name}-${Date.now()}`;
  const slug = slugOf('phone', run);
  const context = await signedIn(browser, baseURL, `phone-${run}@example.com`, 'Pia Phone');
  expect((await post(context, baseURL, '/api/v1/tenants', { slug, name: 'Phone Co' })).status()).toBe(201);
  const page = await context.newPage();
  await openHydrated(page, `/t/${slug}/chat`);
  const chats = page.getByRole('button', { name: 'Show your chats' });
  await expect(chats).toContainText('Chats');
  await chats.click();
  await expect(page.getByRole('complementary', { name: 'Your chats' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('complementary', { name: 'Your chats' })).toBeHidden();
  await expect(chats).toBeFocused();

  await openHydrated(page, `/t/${slug}/members`);
  await expect(page.getByRole('cell', { name: /^Pia Phone/ })).toBeInViewport();
  await expect(page.getByLabel('Role of Pia Phone')).toBeInViewport();
});
