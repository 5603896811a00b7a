import { expect, test, type Page } from '@playwright/test';
import { collectPageErrors, openHydrated, picture } from './support';
import { PROVIDER_KEY, PROVIDER_URL, owner, withProvider } from './workspace';

// The chat page against the bundled test provider (end2end/run.sh starts it and passes its
// address and key). Directives in a message (`/slow:MS`, `/words:N`, `/fail:500`,
// `/markdown`) make the provider answer slowly, at length, badly or in Markdown.

/** The chat page with nothing open: the new chat, ready to type in. */
async function startChat(page: Page, slug: string) {
  await openHydrated(page, `/t/${slug}/chat`);
  const composer = page.getByRole('textbox', { name: 'Message', exact: true });
  await expect(composer).toBeVisible();
  return composer;
}

/** Opens a chat's ⋯ menu in the list and picks `item`. */
async function chatMenu(page: Page, title: string, item: string) {
  const list = page.getByRole('complementary', { name: 'Your chats' });
  await list.getByRole('button', { name: `Actions for ${title}` }).click();
  await list.getByRole('button', { name: item, exact: true }).click();
}

function lastAnswer(page: Page) {
  return page.locator('li.message[data-role="assistant"]:visible').last();
}

test.beforeAll(() => {
  expect(PROVIDER_URL, 'end2end/run.sh sets TEST_PROVIDER_URL').not.toBe('');
});

test('an admin adds a provider in AI settings; the key never shows again', async ({ page, context, baseURL }, info) => {
  const errors = collectPageErrors(page);
  const slug = await owner(context, baseURL, `${info.project.name}-settings-${Date.now()}`);
  await openHydrated(page, `/t/${slug}/settings/ai`);
  await expect(page.getByRole('heading', { name: 'AI settings' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Test provider');
  await page.getByLabel('Kind').selectOption('openai_compatible');
  await page.getByLabel('Base URL').fill(PROVIDER_URL);
  await page.getByLabel('API key').fill(PROVIDER_KEY);
  await page.getByRole('button', { name: 'Add provider' }).click();
  const card = page.getByRole('article', { name: 'Provider Test provider' });
  await expect(card).toBeVisible();
  await expect(card.getByText(`Key …${PROVIDER_KEY.slice(-4)}`)).toBeVisible();
  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect(card.getByRole('status').or(card.locator('.notice-success'))).toContainText(/model/i);
  await expect(card.getByRole('checkbox', { name: 'parley-echo', exact: true })).toBeChecked();
  expect(await page.content()).not.toContain(PROVIDER_KEY);
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  expect(await page.content()).not.toContain(PROVIDER_KEY);
  // The chat defaults offer the enabled models.
  await page.getByLabel('Default model').selectOption({ label: 'parley-echo · Test provider' });
  await page.getByRole('button', { name: 'Save chat defaults' }).click();
  await expect(page.getByText('Chat defaults saved.')).toBeVisible();
  expect(errors).toEqual([]);
});

test('answers stream in, render Markdown safely, and failures say what went wrong', async ({ page, context, baseURL }, info) => {
  test.setTimeout(60_000);
  const errors = collectPageErrors(page);
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs += 1; void d.dismiss(); });
  const slug = await owner(context, baseURL, `${info.project.name}-stream-${Date.now()}`);
  await withProvider(context, baseURL, slug);
  const composer = await startChat(page, slug);

  // Streaming: the answer grows while the Stop button shows, then completes.
  await composer.fill('Hello there /slow:60 /words:40');
  await composer.press('Enter');
  await expect(page.locator('li.message[data-role="user"]').last()).toContainText('Hello there');
  const answer = lastAnswer(page);
  await expect(answer).toContainText('You said: Hello there.');
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  const partial = (await answer.innerText()).length;
  await expect(page.getByRole('button', { name: 'Stop' })).toBeHidden({ timeout: 20_000 });
  await expect(answer).toContainText('tonight');
  expect((await answer.innerText()).length).toBeGreaterThan(partial);
  await expect(composer).toHaveValue('');
  // The first exchange names the chat.
  await expect(page.getByRole('tab', { name: /Hello there/ })).toBeVisible();

  // Markdown is rendered; the HTML inside it is not.
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  await composer.fill('/markdown');
  await composer.press('Enter');
  const md = lastAnswer(page);
  await expect(md.getByRole('heading', { name: 'Parley test answer' })).toBeVisible();
  await expect(md.getByRole('link', { name: 'the example site' })).toHaveAttribute('href', 'https://example.com');
  await expect(md.locator('.code-block')).toContainText('println!');
  await expect(md.locator('.code-block .hl-string').first()).toBeVisible();
  await expect(md).toContainText('<script>alert(1)</script>');
  expect(await md.locator('script, img, [onerror]').count()).toBe(0);
  expect(dialogs).toBe(0);

  // A provider failure becomes a message in the chat, not a spinner.
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  await composer.fill('this will fail /fail:500');
  await composer.press('Enter');
  await expect(lastAnswer(page).getByRole('alert')).toContainText(/provider/i);
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('Stop keeps what was written; a reload mid-answer picks the stream up again', async ({ page, context, baseURL }, info) => {
  test.setTimeout(60_000);
  const slug = await owner(context, baseURL, `${info.project.name}-stop-${Date.now()}`);
  await withProvider(context, baseURL, slug);
  const composer = await startChat(page, slug);

  await composer.fill('Tell a long story /slow:150 /words:200');
  await composer.press('Enter');
  await expect(lastAnswer(page)).toContainText('quick brown');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(lastAnswer(page).getByText('Stopped')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  const kept = (await lastAnswer(page).locator('.message-bubble').textContent()) ?? '';
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(lastAnswer(page).getByText('Stopped')).toBeVisible();
  await expect(lastAnswer(page).locator('.message-bubble')).toHaveText(kept);

  await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Another one /slow:100 /words:50');
  await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
  await expect(lastAnswer(page)).toContainText('You said: Another one.');
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  // After the reload the text so far is there at once, and the rest keeps coming.
  await expect(lastAnswer(page)).toContainText('You said: Another one.');
  await expect(lastAnswer(page)).toContainText('bridge tonight the quick', { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Stop' })).toBeHidden({ timeout: 20_000 });
});

test('a message sent while the answer streams waits, visibly, and goes when it ends', async ({ page, context, baseURL }, info) => {
  test.setTimeout(60_000);
  const slug = await owner(context, baseURL, `${info.project.name}-queue-${Date.now()}`);
  await withProvider(context, baseURL, slug);
  const composer = await startChat(page, slug);

  await composer.fill('First question /slow:60 /words:40');
  await composer.press('Enter');
  await expect(lastAnswer(page)).toContainText('You said: First question.');
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  // Enter during the answer: nothing lost, nothing sent yet, and the page says so.
  await composer.fill('Second question');
  await composer.press('Enter');
  const queued = page.getByRole('status').filter({ hasText: 'Sends when the answer is complete.' });
  await expect(queued).toBeVisible();
  await expect(page.locator('li.message[data-role="user"]')).toHaveCount(1);
  await expect(composer).toHaveValue('Second question');
  // Cancel keeps the draft and sends nothing; Enter again queues it again.
  await queued.getByRole('button', { name: 'Cancel' }).click();
  await expect(queued).toBeHidden();
  await composer.press('Enter');
  await expect(queued).toBeVisible();
  // When the first answer ends, the second question goes by itself.
  await expect(page.locator('li.message[data-role="user"]')).toHaveCount(2, { timeout: 20_000 });
  await expect(page.locator('li.message[data-role="user"]').last()).toContainText('Second question');
  await expect(lastAnswer(page)).toContainText('You said: Second question.');
  await expect(queued).toBeHidden();
  await expect(composer).toHaveValue('');
});

test('tabs live in the URL; chats can be searched, renamed, pinned, deleted and restored', async ({ page, context, baseURL }, info) => {
  test.setTimeout(60_000);
  const slug = await owner(context, baseURL, `${info.project.name}-tabs-${Date.now()}`);
  await withProvider(context, baseURL, slug);
  const composer = await startChat(page, slug);
  await composer.fill('Apples are red');
  await composer.press('Enter');
  await expect(lastAnswer(page)).toContainText('You said: Apples are red.');
  await expect(page.getByRole('tab', { name: 'Apples are red' })).toBeVisible();

  await page.getByRole('button', { name: 'New chat', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeFocused();
  await page.keyboard.type('Bananas are yellow');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'Bananas are yellow' })).toBeVisible();
  await expect(page.getByRole('tab')).toHaveCount(2);

  // Switching tabs shows the other conversation without loading the page again.
  await page.getByRole('tab', { name: 'Apples are red' }).click();
  await expect(page.getByRole('tab', { name: 'Apples are red' })).toHaveAttribute('aria-selected', 'true');
  await expect(lastAnswer(page)).toContainText('Apples are red');
  expect(page.url()).toContain('tabs=');

  // Both tabs, and the active one, survive a reload.
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByRole('tab')).toHaveCount(2);
  await expect(page.getByRole('tab', { name: 'Apples are red' })).toHaveAttribute('aria-selected', 'true');
  await expect(lastAnswer(page)).toContainText('Apples are red');

  // Search finds a chat by what was said in it.
  const list = page.getByRole('complementary', { name: 'Your chats' });
  if (info.project.name === 'phone') await page.getByRole('button', { name: 'Show your chats' }).click();
  await list.getByLabel('Search chats').fill('yellow');
  await expect(list.getByRole('button', { name: 'Bananas are yellow', exact: true })).toBeVisible();
  await expect(list.getByRole('button', { name: 'Apples are red', exact: true })).toBeHidden();
  await list.getByLabel('Search chats').fill('');
  await expect(list.getByRole('button', { name: 'Apples are red', exact: true })).toBeVisible();

  // Rename and pin, from each chat's ⋯ menu.
  await chatMenu(page, 'Apples are red', 'Rename');
  await list.getByLabel('Chat title').fill('Fruit facts');
  await list.getByLabel('Chat title').press('Enter');
  await expect(list.getByRole('button', { name: 'Fruit facts', exact: true })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Fruit facts' })).toBeVisible();
  await chatMenu(page, 'Bananas are yellow', 'Pin');
  const pinned = list.getByRole('listitem').filter({ hasText: 'Bananas are yellow' });
  await expect(pinned.getByRole('img', { name: 'Pinned' })).toBeVisible();
  await list.getByRole('button', { name: 'Actions for Bananas are yellow' }).click();
  await expect(list.getByRole('button', { name: 'Unpin', exact: true })).toBeVisible();
  await page.keyboard.press('Escape');

  // Delete, then undo.
  await chatMenu(page, 'Fruit facts', 'Delete');
  await expect(page.getByText('Deleted “Fruit facts”.')).toBeVisible();
  await expect(list.getByRole('button', { name: 'Fruit facts', exact: true })).toBeHidden();
  await expect(page.getByRole('tab')).toHaveCount(1);
  if (info.project.name === 'phone') await page.getByRole('button', { name: 'Show your chats' }).click();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('tab', { name: 'Fruit facts' })).toBeVisible();
  if (info.project.name === 'phone') await page.getByRole('button', { name: 'Show your chats' }).click();
  await expect(list.getByRole('button', { name: 'Fruit facts', exact: true })).toBeVisible();
});

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshot chat and AI settings ${scheme}`, async ({ page, context, baseURL }, info) => {
    test.setTimeout(60_000);
    const slug = await owner(context, baseURL, `${info.project.name}-shot-${scheme}-${Date.now()}`);
    await withProvider(context, baseURL, slug);
    await page.emulateMedia({ colorScheme: scheme });
    const composer = await startChat(page, slug);
    await composer.fill('How do I print in Rust?');
    await composer.press('Enter');
    await expect(lastAnswer(page)).toContainText('You said');
    // A new message goes once the answer is finished (Send replaces Stop).
    await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
    await composer.fill('/markdown');
    await composer.press('Enter');
    await expect(lastAnswer(page).getByRole('heading', { name: 'Parley test answer' })).toBeVisible();
    await picture(page, `chat-${info.project.name}-${scheme}`, { fullPage: false });
    await openHydrated(page, `/t/${slug}/settings/ai`);
    await expect(page.getByRole('heading', { name: 'AI settings' })).toBeVisible();
    // The provider's address (its port) and key ending differ every run.
    await picture(page, `ai-settings-${info.project.name}-${scheme}`, { mask: [page.locator('.provider-head p, .provider-head .badge')] });
  });
}
