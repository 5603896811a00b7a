import { expect, test, type BrowserContext } from '@playwright/test';
import { openHydrated, picture } from './support';

// Pictures of every page in light and dark, for people to look at (end2end/screenshots/) and
// compared with their baselines (end2end/baselines/). Names are fixed per project and
// scheme, so each picture shows the same words every run; a rerun finds them created.
const PASSWORD = 'violet kettle drums 42';

async function signedIn(context: BrowserContext, email: string, password = PASSWORD, name = 'Sam Screenshot') {
  await context.request.post('/api/v1/auth/register', { data: { email, password, name } });
  const r = await context.request.post('/api/v1/auth/login', { data: { email, password } });
  expect(r.ok()).toBeTruthy();
}

/** A same-origin API call with the context's session cookie (CSRF needs the Origin). */
function post(context: BrowserContext, baseURL: string | undefined, path: string, data: object) {
  return context.request.post(path, { data, headers: { origin: baseURL ?? '' } });
}

const publicPages = [
  { name: 'home', path: '/', heading: 'Welcome to Parley' },
  { name: 'status', path: '/status', heading: 'System status' },
  { name: 'not-found', path: '/missing', heading: 'Page not found' },
  { name: 'sign-in', path: '/login', heading: 'Sign in to Parley' },
  { name: 'sign-up', path: '/signup', heading: 'Create your Parley account' },
];

for (const scheme of ['light', 'dark'] as const) {
  for (const p of publicPages) {
    test(`screenshot ${p.name} ${scheme}`, async ({ page }, info) => {
      await page.emulateMedia({ colorScheme: scheme });
      await openHydrated(page, p.path);
      await expect(page.getByRole('heading', { name: p.heading })).toBeVisible();
      await picture(page, `${p.name}-${info.project.name}-${scheme}`, { mask: [page.locator('.status-card dd')] });
    });
  }

  test(`screenshot signed-in pages ${scheme}`, async ({ page, context, baseURL }, info) => {
    test.setTimeout(60_000);
    const run = `${info.project.name}-${scheme}`;
    await signedIn(context, `sam-${run}@example.com`);
    const slug = `shots-${run}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/-+$/, '');
    const created = await post(context, baseURL, '/api/v1/tenants', { slug, name: 'Northwind Labs' });
    expect([201, 409]).toContain(created.status());
    const invite = await post(context, baseURL, `/api/v1/tenants/${slug}/invitations`, { role: 'member', email: 'new.hire@example.com' });
    const token = (await invite.json()).token as string;
    await post(context, baseURL, '/api/v1/me/tokens', { name: 'Reporting script', tenant: slug, expires_in_days: 90 });
    await page.emulateMedia({ colorScheme: scheme });
    const shots: [string, string, string][] = [
      ['workspaces', '/', 'Hello, Sam'],
      ['new-organisation', '/new', 'Create an organisation'],
      ['tenant', `/t/${slug}`, 'Northwind Labs'],
      ['members', `/t/${slug}/members`, 'Members'],
      ['account', '/account', 'Your account'],
      ['invitation', `/invite/${token}`, 'Join Northwind Labs'],
    ];
    for (const [name, path, heading] of shots) {
      await openHydrated(page, path);
      await expect(page.getByRole('heading', { name: heading, exact: true }).first()).toBeVisible();
      await picture(page, `${name}-${info.project.name}-${scheme}`);
    }
  });

  test(`screenshot platform admin ${scheme}`, async ({ page, context }, info) => {
    await signedIn(context, 'admin@parley.test', 'e2e-admin-password');
    await page.emulateMedia({ colorScheme: scheme });
    await openHydrated(page, '/admin');
    await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
    await expect(page.getByLabel('Who may create an account')).toHaveValue('open');
    await expect(page.getByRole('cell', { name: 'admin@parley.test', exact: true })).toBeVisible();
    // Lists every account of the run: a picture to look at, with no baseline to match.
    await page.screenshot({ path: `screenshots/admin-${info.project.name}-${scheme}.png`, fullPage: true });
  });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshot single sign-on pages ${scheme}`, async ({ page, context, baseURL }, info) => {
    test.setTimeout(60_000);
    const run = `${info.project.name}-${scheme}`;
    await signedIn(context, `sso-${run}@example.com`);
    const slug = `sso-${run}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/-+$/, '');
    expect([201, 409]).toContain((await post(context, baseURL, '/api/v1/tenants', { slug, name: 'Contoso Ltd' })).status());
    const saved = await context.request.post('/api/sso/save', {
      headers: { origin: baseURL ?? '' },
      form: {
        slug, id: '', name: 'Microsoft', kind: 'entra', directory_id: process.env.OP_TENANT_ID ?? '',
        client_id: 'parley-e2e', client_secret: 'screenshot-secret-1234', scopes: '', role_claim: 'roles',
        role_mappings: 'Parley.Admin = admin\nParley.User = member', default_role: '', jit: 'on', enabled: 'on',
      },
    });
    expect(saved.ok()).toBeTruthy();
    await page.emulateMedia({ colorScheme: scheme });
    const shots: [string, string, string][] = [
      ['sso-settings', `/t/${slug}/settings/sso`, 'Single sign-on'],
      ['sso-tenant-sign-in', `/t/${slug}/login`, 'Sign in to Contoso Ltd'],
      ['sso-problem', `/sso/problem?code=no_role&tenant=${slug}`, 'You have no access to this organisation'],
    ];
    for (const [name, path, heading] of shots) {
      await openHydrated(page, path);
      await expect(page.getByRole('heading', { name: heading, exact: true }).first()).toBeVisible();
      // The redirect address carries this run's port.
      await picture(page, `${name}-${info.project.name}-${scheme}`, { mask: [page.getByLabel('Redirect URI')] });
    }
  });
}

// What a viewer meets: a notice instead of the chat, and an explained refusal instead of an
// admin page.
for (const scheme of ['light', 'dark'] as const) {
  test(`screenshot viewer pages ${scheme}`, async ({ page, context, browser, baseURL }, info) => {
    const run = `${info.project.name}-${scheme}`;
    const slug = `view-${run}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/-+$/, '');
    const owner = await browser.newContext({ baseURL });
    await signedIn(owner, `view-owner-${run}@example.com`);
    expect([201, 409]).toContain((await post(owner, baseURL, '/api/v1/tenants', { slug, name: 'Northwind Labs' })).status());
    const token = (await (await post(owner, baseURL, `/api/v1/tenants/${slug}/invitations`, { role: 'viewer' })).json()).token;
    await signedIn(context, `viewer-${run}@example.com`, PASSWORD, 'Vera Viewer');
    expect((await post(context, baseURL, `/api/v1/invitations/${token}/accept`, {})).ok()).toBeTruthy();
    await page.emulateMedia({ colorScheme: scheme });
    const shots: [string, string, string][] = [
      ['viewer-chat', `/t/${slug}/chat`, 'Chat is for members'],
      ['viewer-refused', `/t/${slug}/settings/ai`, 'You cannot use this page'],
    ];
    for (const [name, path, heading] of shots) {
      await openHydrated(page, path);
      await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
      await picture(page, `${name}-${info.project.name}-${scheme}`);
    }
  });
}

// The platform's own single sign-on (end2end/run.sh sets PARLEY_PLATFORM_SSO_*): its button on
// the sign-in page, and the page someone without the platform admin role ends on.
for (const scheme of ['light', 'dark'] as const) {
  test(`screenshot platform single sign-on pages ${scheme}`, async ({ page }, info) => {
    const label = `Sign in with ${process.env.PLATFORM_SSO_NAME ?? 'Contoso ID'}`;
    await page.emulateMedia({ colorScheme: scheme });
    await openHydrated(page, '/login');
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
    await expect(page.getByRole('link', { name: label })).toBeVisible();
    await picture(page, `platform-sso-sign-in-${info.project.name}-${scheme}`);
    await openHydrated(page, '/sso/problem?code=no_role&platform=1');
    await expect(page.getByRole('heading', { name: 'You have no access to the platform' })).toBeVisible();
    await picture(page, `platform-sso-problem-${info.project.name}-${scheme}`);
  });
}
