import { expect, test, type Browser, type Page } from '@playwright/test';
import { openHydrated } from './support';

const PASSWORD = 'violet kettle drums 42';

async function signUp(page: Page, name: string, email: string, path = '/signup') {
  await openHydrated(page, path);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

async function newPage(browser: Browser, baseURL?: string) {
  const context = await browser.newContext({ baseURL });
  return context.newPage();
}

test('sign up, create an organisation, invite, accept, change roles, sign out everywhere', async ({ browser, baseURL }, info) => {
  test.setTimeout(60_000);
  const run = `${info.project.name}-${Date.now()}`;
  const slug = `org-${run}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/-+$/, '');
  const owner = await newPage(browser, baseURL);

  // 1. The owner signs up and creates an organisation.
  await signUp(owner, 'Olga Owner', `olga-${run}@example.com`);
  await expect(owner.getByRole('heading', { name: 'Hello, Olga' })).toBeVisible();
  await expect(owner.getByText('You are not in any organisation yet')).toBeVisible();
  await owner.getByRole('link', { name: 'Create an organisation' }).click();
  await expect(owner.getByRole('heading', { name: 'Create an organisation' })).toBeVisible();
  await expect(owner.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await owner.getByLabel('Name').fill('Acme Research');
  await owner.getByLabel('Address').fill(slug);
  await owner.getByRole('button', { name: 'Create organisation' }).click();
  await expect(owner).toHaveURL(new RegExp(`/t/${slug}$`));
  await expect(owner.getByRole('heading', { name: 'Acme Research' })).toBeVisible();
  await expect(owner.getByText('You are an owner here.')).toBeVisible();

  // 2. The owner creates an invitation link.
  await owner.getByRole('link', { name: 'Open members' }).click();
  await expect(owner.getByRole('heading', { name: 'Members' })).toBeVisible();
  await expect(owner.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await owner.getByLabel('Role', { exact: true }).selectOption('member');
  await owner.getByRole('button', { name: 'Create invitation link' }).click();
  const link = await owner.getByLabel(/Invitation link for a new member/).inputValue();
  expect(link).toContain('/invite/inv_');
  await expect(owner.getByRole('button', { name: 'Revoke' })).toBeVisible();

  // 3. A second person opens the link, signs up and joins.
  const member = await newPage(browser, baseURL);
  await openHydrated(member, new URL(link).pathname);
  await expect(member.getByRole('heading', { name: 'Join Acme Research' })).toBeVisible();
  await member.getByRole('link', { name: 'Create an account to join' }).click();
  await member.getByLabel('Your name').fill('Max Member');
  await member.getByLabel('E-mail', { exact: true }).fill(`max-${run}@example.com`);
  await member.getByLabel('Password').fill(PASSWORD);
  await member.getByRole('button', { name: 'Create account' }).click();
  await expect(member.getByRole('heading', { name: 'Join Acme Research' })).toBeVisible();
  await expect(member.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await member.getByRole('button', { name: 'Accept and join' }).click();
  await expect(member).toHaveURL(new RegExp(`/t/${slug}$`));
  await expect(member.getByText('You are a member here.')).toBeVisible();

  // 4. The member sees the members but no admin controls, and no platform admin page.
  await openHydrated(member, `/t/${slug}/members`);
  await expect(member.getByRole('cell', { name: 'Olga Owner' })).toBeVisible();
  await expect(member.getByRole('button', { name: 'Create invitation link' })).toHaveCount(0);
  await expect(member.getByRole('combobox')).toHaveCount(0);
  await openHydrated(member, '/admin');
  await expect(member.getByRole('heading', { name: 'You cannot use this page' })).toBeVisible();
  await expect(member.getByText('Only platform administrators may open the platform admin page.')).toBeVisible();

  // 5. The owner makes the member an admin; the member now has the admin controls.
  await owner.reload();
  await expect(owner.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await owner.getByLabel('Role of Max Member').selectOption('admin');
  await expect(owner.getByRole('status').filter({ hasText: 'Max Member is now an admin.' })).toBeVisible();
  await owner.reload();
  await expect(owner.getByLabel('Role of Max Member')).toHaveValue('admin');
  await openHydrated(member, `/t/${slug}/members`);
  await expect(member.getByRole('button', { name: 'Create invitation link' })).toBeVisible();

  // 6. The member signs out everywhere from another browser; the first one is signed out too.
  const elsewhere = await newPage(browser, baseURL);
  await openHydrated(elsewhere, '/login');
  await elsewhere.getByLabel('E-mail', { exact: true }).fill(`max-${run}@example.com`);
  await elsewhere.getByLabel('Password').fill(PASSWORD);
  await elsewhere.getByRole('button', { name: 'Sign in' }).click();
  await expect(elsewhere.getByRole('heading', { name: 'Hello, Max' })).toBeVisible();
  await openHydrated(elsewhere, '/account');
  await elsewhere.getByRole('button', { name: 'Sign out everywhere' }).click();
  await elsewhere.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(elsewhere).toHaveURL(/\/login$/);
  await openHydrated(member, `/t/${slug}`);
  await expect(member).toHaveURL((u) => u.pathname === '/login' && u.searchParams.get('next') === `/t/${slug}`);

  // 7. The last owner cannot leave; the member (signed in again) can, and is gone.
  await owner.getByRole('button', { name: 'Leave organisation' }).click();
  await owner.getByRole('dialog').getByRole('button', { name: 'Leave', exact: true }).click();
  await expect(owner.getByRole('alert').filter({ hasText: /owner/i })).toBeVisible();
  await openHydrated(elsewhere, '/login');
  await elsewhere.getByLabel('E-mail', { exact: true }).fill(`max-${run}@example.com`);
  await elsewhere.getByLabel('Password').fill(PASSWORD);
  await elsewhere.getByRole('button', { name: 'Sign in' }).click();
  await expect(elsewhere.getByRole('heading', { name: 'Hello, Max' })).toBeVisible();
  await openHydrated(elsewhere, `/t/${slug}/members`);
  await elsewhere.getByRole('button', { name: 'Leave organisation' }).click();
  await elsewhere.getByRole('dialog').getByRole('button', { name: 'Leave', exact: true }).click();
  await expect(elsewhere).toHaveURL(/\/$/);
  await owner.reload();
  await expect(owner.getByRole('cell', { name: 'Max Member' })).toHaveCount(0);
});

test('the sign-in form works without JavaScript and explains a wrong password', async ({ browser, baseURL }, info) => {
  const email = `nojs-${info.project.name}-${Date.now()}@example.com`;
  const setup = await newPage(browser, baseURL);
  await signUp(setup, 'No Script', email);
  await expect(setup.getByRole('heading', { name: 'Hello, No' })).toBeVisible();

  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('e-mail address or password is not right');
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Hello, No' })).toBeVisible();
  await context.close();
});
