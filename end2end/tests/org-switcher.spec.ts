import { expect, test } from '@playwright/test';
import { openHydrated } from './support';

const PASSWORD = 'violet kettle drums 42';

test('the top bar switches between the organisations a person belongs to', async ({ page, context, baseURL }, info) => {
  const run = `${info.project.name}-${Date.now()}`;
  const email = `switch-${run}@example.com`;
  await context.request.post('/api/v1/auth/register', { data: { email, password: PASSWORD, name: 'Sasha Switch' } });
  expect((await context.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } })).ok()).toBeTruthy();
  const slug = (name: string) => `${name}-${run}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/-+$/, '');
  for (const [s, name] of [[slug('alpha'), 'Alpha Works'], [slug('beta'), 'Beta Studio']]) {
    const r = await context.request.post('/api/v1/tenants', { data: { slug: s, name }, headers: { origin: baseURL ?? '' } });
    expect(r.status()).toBe(201);
  }

  await openHydrated(page, `/t/${slug('alpha')}`);
  const switcher = page.getByLabel(/Switch organisation \(now: Alpha Works\)/);
  await expect(switcher).toBeVisible();
  await switcher.click();
  await expect(page.getByRole('menuitem', { name: /Alpha Works/ })).toHaveAttribute('aria-current', 'page');
  await page.getByRole('menuitem', { name: /Beta Studio/ }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug('beta')}$`));
  await expect(page.getByRole('heading', { name: 'Beta Studio' })).toBeVisible();
  await expect(page.getByLabel(/Switch organisation \(now: Beta Studio\)/)).toBeVisible();
  await expect(page.getByRole('menuitem', { name: /Alpha Works/ })).toBeHidden();
});
