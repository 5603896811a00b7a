import { expect, test } from '@playwright/test';
import { openHydrated } from './support';
import { owner, PASSWORD } from './workspace';

// A refused form keeps what was typed and says what is wrong next to the field at fault.

test('a refused single sign-on connection keeps its type and values and shows the error at the field', async ({ browser, baseURL }, info) => {
  const run = `forms-${info.project.name}-${Date.now()}`;
  const context = await browser.newContext({ baseURL });
  const slug = await owner(context, baseURL, run);
  const page = await context.newPage();
  await openHydrated(page, `/t/${slug}/settings/sso`);
  const form = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Add a connection' }) });

  await form.getByLabel('Name', { exact: true }).fill('Keycloak');
  await form.getByLabel('Provider type').selectOption('oidc');
  for (const issuer of ['not a url', 'http://10.0.0.5/realms/acme']) {
    await form.getByLabel('Issuer URL').fill(issuer);
    await form.getByLabel('Client ID', { exact: true }).fill('parley');
    await form.getByLabel('Client secret', { exact: true }).fill('typed-secret');
    await form.getByRole('button', { name: 'Add connection' }).click();
    const field = form.locator('.field').filter({ has: page.getByLabel('Issuer URL') });
    await expect(field.getByRole('alert')).not.toBeEmpty();
    await expect(form.getByLabel('Provider type')).toHaveValue('oidc');
    await expect(form.getByLabel('Issuer URL')).toHaveValue(issuer);
    await expect(form.getByLabel('Issuer URL')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByLabel('Name', { exact: true })).toHaveValue('Keycloak');
    await expect(form.getByLabel('Client ID', { exact: true })).toHaveValue('parley');
  }

  // A bad directory id keeps what was typed too.
  await form.getByLabel('Provider type').selectOption('entra');
  await form.getByLabel('Directory (tenant) ID').fill('contoso.onmicrosoft.com');
  await form.getByLabel('Client secret', { exact: true }).fill('typed-secret');
  await form.getByRole('button', { name: 'Add connection' }).click();
  const directory = form.locator('.field').filter({ has: page.getByLabel('Directory (tenant) ID') });
  await expect(directory.getByRole('alert')).toContainText('GUID');
  await expect(form.getByLabel('Directory (tenant) ID')).toHaveValue('contoso.onmicrosoft.com');
  // Switching back finds the issuer as it was left.
  await form.getByLabel('Provider type').selectOption('oidc');
  await expect(form.getByLabel('Issuer URL')).toHaveValue('http://10.0.0.5/realms/acme');
});

test('what is shown once can be copied, and a token is limited by picking an organisation', async ({ browser, baseURL }, info) => {
  const run = `copy-${info.project.name}-${Date.now()}`;
  const context = await browser.newContext({ baseURL });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const slug = await owner(context, baseURL, run);
  const page = await context.newPage();

  await openHydrated(page, `/t/${slug}/members`);
  await page.getByLabel('Role', { exact: true }).selectOption('member');
  await page.getByRole('button', { name: 'Create invitation link' }).click();
  const link = await page.getByLabel(/Invitation link for a new member/).inputValue();
  await page.getByRole('button', { name: 'Copy invitation link' }).click();
  await expect(page.getByText('Copied', { exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

  await openHydrated(page, '/account');
  await page.getByLabel('Name', { exact: true }).last().fill('Limited script');
  const organisation = page.getByLabel('Organisation', { exact: true });
  await expect(organisation.locator('option')).toHaveText(['All my organisations', 'Only Chatty Co']);
  await organisation.selectOption(slug);
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.locator('code.secret').textContent()) ?? '';
  expect(token).toMatch(/^pat_/);
  await page.getByRole('button', { name: 'Copy token' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  // The token works in its organisation only.
  const me = await context.request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  expect((await me.json()).tenants.map((t: { slug: string }) => t.slug)).toEqual([slug]);
});

test('sign-in and sign-up keep the e-mail and name after a refusal, with or without JavaScript', async ({ browser, baseURL }, info) => {
  const run = `${info.project.name}-${Date.now()}`;
  const email = `kept-${run}@example.com`;
  const taken = await browser.newContext({ baseURL });
  await taken.request.post('/api/v1/auth/register', { data: { email, password: PASSWORD, name: 'Kim Kept' } });

  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ baseURL, javaScriptEnabled });
    const page = await context.newPage();
    await page.goto('/signup');
    await page.getByLabel('Your name').fill('Kim Again');
    await page.getByLabel('E-mail', { exact: true }).fill(email);
    await page.getByLabel('Password').fill('another long passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page).toHaveURL(/\/signup\?error=/);
    await expect(page.getByLabel('Your name')).toHaveValue('Kim Again');
    await expect(page.getByLabel('E-mail', { exact: true })).toHaveValue(email);
    await expect(page.getByLabel('Password')).toHaveValue('');
    expect(page.url()).not.toContain(encodeURIComponent(email));

    await page.goto('/login');
    await page.getByLabel('E-mail', { exact: true }).fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/login\?error=invalid_credentials/);
    await expect(page.getByLabel('E-mail', { exact: true })).toHaveValue(email);
    await expect(page.getByLabel('Password')).toHaveValue('');
    await context.close();
  }
});
