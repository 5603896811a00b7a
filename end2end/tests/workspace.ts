import { expect, type BrowserContext } from '@playwright/test';

// An organisation with the bundled test provider, set up through the REST API: what the chat
// specs start from. end2end/run.sh starts the provider and passes its address and key.
export const PASSWORD = 'violet kettle drums 42';
export const PROVIDER_URL = process.env.TEST_PROVIDER_URL ?? '';
export const PROVIDER_KEY = process.env.TEST_PROVIDER_KEY ?? '';

/** A JSON POST with the Origin header Parley's CSRF check expects of a browser. */
export function post(context: BrowserContext, baseURL: string | undefined, path: string, data: object) {
  return context.request.post(path, { data, headers: { origin: baseURL ?? '' } });
}

/** A signed-in owner of a new organisation; returns its slug. */
export async function owner(context: BrowserContext, baseURL: string | undefined, run: string) {
  const email = `chat-${run}@example.com`;
  await context.request.post('/api/v1/auth/register', { data: { email, password: PASSWORD, name: 'Casey Chat' } });
  const login = await context.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  expect(login.ok()).toBeTruthy();
  const slug = `chat-${run}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/-+$/, '');
  const created = await post(context, baseURL, '/api/v1/tenants', { slug, name: 'Chatty Co' });
  expect(created.status()).toBe(201);
  return slug;
}

/** Adds the test provider through the API and lists its models. */
export async function withProvider(context: BrowserContext, baseURL: string | undefined, slug: string) {
  const created = await post(context, baseURL, `/api/v1/tenants/${slug}/providers`, {
    name: 'Test provider', kind: 'openai_compatible', base_url: PROVIDER_URL, api_key: PROVIDER_KEY,
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  const tested = await post(context, baseURL, `/api/v1/tenants/${slug}/providers/${id}/test`, {});
  expect(tested.ok()).toBeTruthy();
}
