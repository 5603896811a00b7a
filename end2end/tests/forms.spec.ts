import { expect, test } from '@playwright/test';
import { openHydrated } from './support';
import { owner, PASSWORD, PROVIDER_KEY, PROVIDER_URL, withProvider } from './workspace';

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
    // The clash is told at the field that clashes.
    const emailField = page.locator('.field').filter({ has: page.getByLabel('E-mail', { exact: true }) });
    await expect(emailField.getByRole('alert')).toContainText('already exists');

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

test('a refused provider, organisation or single sign-on address keeps what was typed, the clash at its field', async ({ browser, baseURL }, info) => {
  const run = `refused-${info.project.name}-${Date.now()}`;
  const context = await browser.newContext({ baseURL });
  const slug = await owner(context, baseURL, run);
  await withProvider(context, baseURL, slug);
  const page = await context.newPage();

  // AI settings: a name that is taken, then an address that is not allowed.
  await openHydrated(page, `/t/${slug}/settings/ai`);
  const form = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Add a provider' }) });
  await form.getByLabel('Name', { exact: true }).fill('Test provider');
  await form.getByLabel('Kind').selectOption('openai_compatible');
  await form.getByLabel('Base URL').fill(PROVIDER_URL);
  await form.getByLabel('API key').fill(PROVIDER_KEY);
  await form.getByLabel('Models typed by hand (optional, one per line)').fill('my-model');
  await form.getByRole('button', { name: 'Add provider' }).click();
  const nameField = form.locator('.field').filter({ has: page.getByLabel('Name', { exact: true }) });
  await expect(nameField.getByRole('alert')).toContainText('exists already');
  await expect(form.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Base URL')).toHaveValue(PROVIDER_URL);
  await expect(form.getByLabel('Models typed by hand (optional, one per line)')).toHaveValue('my-model');
  await form.getByLabel('Name', { exact: true }).fill('Second provider');
  await form.getByLabel('Base URL').fill('http://169.254.169.254/v1');
  await form.getByRole('button', { name: 'Add provider' }).click();
  const urlField = form.locator('.field').filter({ has: page.getByLabel('Base URL') });
  await expect(urlField.getByRole('alert')).not.toBeEmpty();
  await expect(form.getByLabel('Name', { exact: true })).toHaveValue('Second provider');
  await expect(form.getByLabel('Base URL')).toHaveValue('http://169.254.169.254/v1');
  // A provider card's own refusal keeps its typed models too.
  const card = page.getByRole('article', { name: 'Provider Test provider' });
  await card.getByLabel('Models typed by hand (one per line)').fill('bad model name with spaces\n' + 'x'.repeat(300));
  await card.getByRole('button', { name: 'Save models' }).click();
  await expect(card.locator('.notice-error')).toBeVisible();
  await expect(card.getByLabel('Models typed by hand (one per line)')).toHaveValue(/bad model name/);

  // A new organisation whose address is taken: told at the address.
  await openHydrated(page, '/new');
  await page.getByLabel('Name', { exact: true }).fill('Copy Cat');
  await page.getByLabel('Address').fill(slug);
  await page.getByRole('button', { name: 'Create organisation' }).click();
  const slugField = page.locator('.field').filter({ has: page.getByLabel('Address') });
  await expect(slugField.getByRole('alert')).toContainText('already taken');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Copy Cat');
  await expect(page.getByLabel('Address')).toHaveValue(slug);

  // Single sign-on discovery for an unknown domain comes back with the address.
  const visitor = await browser.newContext({ baseURL });
  const signIn = await visitor.newPage();
  await openHydrated(signIn, '/login');
  await signIn.getByText('Continue with single sign-on').click();
  await signIn.getByLabel('Work e-mail').fill(`someone@${run}.example`);
  await signIn.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(signIn).toHaveURL(/error=sso_unknown_domain/);
  await expect(signIn.getByLabel('Work e-mail')).toBeVisible();
  await expect(signIn.getByLabel('Work e-mail')).toHaveValue(`someone@${run}.example`);
});
