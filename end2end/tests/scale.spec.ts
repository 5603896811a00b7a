import { expect, test } from '@playwright/test';
import { collectPageErrors, openHydrated } from './support';
import { PROVIDER_URL, owner, post, withProvider } from './workspace';

// The chat page at the size it promises to stay smooth at: 10,000 chats in the sidebar and
// one chat of 5,000 messages. Everything is created through the REST API, the ordinary write
// path (each send stores a question and an answer from the test provider). The page must
// load one page of each, fetch more only as the reader scrolls, keep the reader's place
// while older messages arrive, and still take a new message at once.
//
// This runs in the `scale` project, after the other projects, so its seeding does not
// starve their timing-sensitive steps of the machine's cores.
const CHATS = 10_000;
const MESSAGES = 5_000;
/** The page sizes of the chat list and of a conversation (app/src/api/chat.rs). */
const PAGE = 50;

/** Runs `each(0..count)` with at most `width` calls in flight. */
async function inParallel(count: number, width: number, each: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        await each(i);
      }
    }),
  );
}

/**
 * The REST API as a script sees it: Node's own `fetch` with a personal API token limited to
 * the tenant, on kept-alive connections.
 */
function api(baseURL: string, token: string) {
  return async (path: string, body: object) => {
    const answer = await fetch(new URL(path, baseURL), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await answer.text();
    expect(answer.status, `${path}: ${text}`).toBe(201);
    return JSON.parse(text);
  };
}

test('10,000 chats and a 5,000-message chat load page by page and stay usable', async ({ page, context, baseURL }, info) => {
  test.setTimeout(15 * 60_000);
  expect(PROVIDER_URL, 'end2end/run.sh sets TEST_PROVIDER_URL').not.toBe('');
  const errors = collectPageErrors(page);
  const slug = await owner(context, baseURL, `scale-${Date.now()}`);
  await withProvider(context, baseURL, slug);
  const chats = `/api/v1/tenants/${slug}/chats`;

  const minted = await post(context, baseURL, '/api/v1/me/tokens', { name: 'seeding', tenant: slug });
  expect(minted.status()).toBe(201);
  const call = api(baseURL ?? '', (await minted.json()).token);

  const seeding = Date.now();
  const long = (await call(chats, { title: 'The long one' })).id as string;
  // One chat's sends go one after another; the other chats are created beside them.
  await Promise.all([
    (async () => {
      for (let i = 0; i < MESSAGES / 2; i++) {
        await call(`${chats}/${long}/messages`, { content: `note ${i} /words:1`, stream: false });
      }
    })(),
    inParallel(CHATS - 1, 4, async (i) => {
      await call(chats, { title: `Chat ${String(i).padStart(5, '0')}` });
    }),
  ]);
  console.log(`seeded ${CHATS} chats and ${MESSAGES} messages in ${Math.round((Date.now() - seeding) / 1000)} s`);

  // Opening the long chat shows its newest page, with the newest answer in view.
  const opening = Date.now();
  await openHydrated(page, `/t/${slug}/chat?tabs=${long}&chat=${long}`);
  const panel = page.locator(`#panel-${long}`);
  const messages = panel.locator('li.message');
  const newest = `You said: note ${MESSAGES / 2 - 1}.`;
  await expect(messages.last()).toContainText(newest);
  await expect(messages.last()).toBeInViewport();
  console.log(`the 5,000-message chat showed its newest answer ${Date.now() - opening} ms after navigation`);
  await expect(messages).toHaveCount(PAGE);

  // Scrolling to the top brings the page before it, and what was first stays where it was.
  const scroller = panel.locator('.messages');
  for (let loaded = PAGE; loaded < 4 * PAGE; loaded += PAGE) {
    const firstBefore = messages.first();
    const firstText = (await firstBefore.innerText()).slice(0, 40);
    await scroller.evaluate((el) => { el.scrollTop = 0; });
    await expect(messages).toHaveCount(loaded + PAGE);
    const anchor = messages.nth(PAGE).filter({ hasText: firstText });
    await expect(anchor).toBeInViewport();
  }
  const oldestShown = MESSAGES / 2 - (4 * PAGE) / 2;
  await expect(messages.first()).toContainText(`note ${oldestShown}`);

  // The sidebar holds one page of the 10,000 chats and loads the next near its end.
  const list = page.getByRole('complementary', { name: 'Your chats' });
  const items = list.locator('li.chat-item');
  await expect(items).toHaveCount(PAGE);
  await list.locator('.chat-items').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await expect(items).toHaveCount(2 * PAGE);
  // Search reaches a chat far beyond the loaded pages, by title and by what was said.
  await list.getByLabel('Search chats').fill('Chat 00042');
  await expect(items).toHaveCount(1);
  await expect(list.getByRole('button', { name: 'Chat 00042', exact: true })).toBeVisible();
  await list.getByLabel('Search chats').fill('note 17');
  await expect(items).toHaveCount(1);
  await expect(list.getByRole('button', { name: 'The long one', exact: true })).toBeVisible();
  await list.getByLabel('Search chats').fill('');
  await expect(items).toHaveCount(PAGE);

  // A new message in the 5,000-message chat goes and is answered at once, in view.
  const composer = panel.getByRole('textbox', { name: 'Message', exact: true });
  await composer.fill('One more for the road');
  await composer.press('Enter');
  await expect(messages.last()).toContainText('You said: One more for the road.');
  // Sending brings the reader back down from the older messages to see it.
  await expect(messages.last()).toBeInViewport();
  await expect(messages).toHaveCount(4 * PAGE + 2);
  await page.screenshot({ path: 'screenshots/chat-scale-desktop-light.png' });
  expect(errors).toEqual([]);
});
