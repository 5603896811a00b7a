import { expect, test, type Page } from '@playwright/test';
import { openHydrated } from './support';
import { owner, withProvider } from './workspace';

// Starting, finding and tidying chats: one New chat, nothing stored before the first
// message, tabs that come back, a compact ⋯ menu per chat, a busy provider that says so.

function lastAnswer(page: Page) {
  return page.locator('li.message[data-role="assistant"]:visible').last();
}

function composer(page: Page) {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

async function send(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

test('New chat is one button, puts the cursor in the text box, and stores a chat only once something is sent', async ({ page, context, baseURL }, info) => {
  const slug = await owner(context, baseURL, `${info.project.name}-new-${Date.now()}`);
  await withProvider(context, baseURL, slug);
  await openHydrated(page, `/t/${slug}/chat`);
  const list = page.getByRole('complementary', { name: 'Your chats' });
  await expect(page.getByRole('button', { name: 'New chat' })).toHaveCount(1);

  // Clicking New chat again and again stores nothing.
  for (let i = 0; i < 3; i++) {
    await page.getByRole('button', { name: 'New chat' }).click();
    await expect(composer(page)).toBeFocused();
  }
  if (info.project.name === 'phone') await page.getByRole('button', { name: 'Show your chats' }).click();
  await expect(list.getByText('No chats yet.')).toBeVisible();
  const before = await context.request.get(`/api/v1/tenants/${slug}/chats`);
  expect((await before.json()).items).toEqual([]);
  // "No chats yet." sits at the top of the list, not under an empty column.
  if (info.project.name === 'desktop') {
    const note = await list.getByText('No chats yet.').boundingBox();
    const panel = await list.boundingBox();
    expect(note!.y - panel!.y).toBeLessThan(120);
  }

  if (info.project.name === 'phone') {
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'New chat' }).click();
  }
  await page.keyboard.type('Cherries are dark');
  await page.keyboard.press('Enter');
  await expect(lastAnswer(page)).toContainText('You said: Cherries are dark.');
  await expect(page.getByRole('tab', { name: 'Cherries are dark' })).toHaveAttribute('aria-selected', 'true');
  const after = await context.request.get(`/api/v1/tenants/${slug}/chats`);
  expect((await after.json()).items.map((c: { title: string }) => c.title)).toEqual(['Cherries are dark']);
});

test('tabs come back when Chat is opened from the sidebar or a chat from a link', async ({ page, context, baseURL }, info) => {
  const slug = await owner(context, baseURL, `${info.project.name}-keep-${Date.now()}`);
  await withProvider(context, baseURL, slug);
  await openHydrated(page, `/t/${slug}/chat`);
  await send(page, 'Kiwis are green');
  await expect(page.getByRole('tab', { name: 'Kiwis are green' })).toBeVisible();
  await page.getByRole('button', { name: 'New chat' }).click();
  await send(page, 'Lemons are sour');
  await expect(page.getByRole('tab')).toHaveCount(2);

  await openHydrated(page, `/t/${slug}/members`);
  if (info.project.name === 'phone') await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await expect(page.getByRole('tab')).toHaveCount(2);
  await expect(page.getByRole('tab', { name: 'Lemons are sour' })).toHaveAttribute('aria-selected', 'true');
});

test('a chat whose first answer failed is named from its first good exchange', async ({ page, context, baseURL }, info) => {
  const slug = await owner(context, baseURL, `${info.project.name}-title-${Date.now()}`);
  await withProvider(context, baseURL, slug);
  await openHydrated(page, `/t/${slug}/chat`);
  await send(page, 'Broken on purpose /fail:500');
  await expect(lastAnswer(page).getByRole('alert')).toContainText(/provider/i);
  await expect(page.getByRole('tab', { name: 'New chat' })).toBeVisible();
  await send(page, 'Plums are purple');
  await expect(lastAnswer(page)).toContainText('You said: Plums are purple.');
  await expect(page.getByRole('tab', { name: 'Plums are purple' })).toBeVisible();
  const list = page.getByRole('complementary', { name: 'Your chats' });
  if (info.project.name === 'phone') await page.getByRole('button', { name: 'Show your chats' }).click();
  await expect(list.getByRole('button', { name: 'Plums are purple', exact: true })).toBeVisible();
});

test('each chat has a compact ⋯ menu: the row opens the chat, the menu is reached by keyboard', async ({ page, context, baseURL }, info) => {
  const slug = await owner(context, baseURL, `${info.project.name}-menu-${Date.now()}`);
  await withProvider(context, baseURL, slug);
  await openHydrated(page, `/t/${slug}/chat`);
  const title = 'A rather long question about oranges';
  await send(page, title);
  await expect(page.getByRole('tab', { name: title })).toBeVisible();
  await page.getByRole('tab', { name: title }).focus();
  await page.keyboard.press('Delete');
  await expect(page.getByRole('tab')).toHaveCount(0);

  const list = page.getByRole('complementary', { name: 'Your chats' });
  if (info.project.name === 'phone') await page.getByRole('button', { name: 'Show your chats' }).click();
  const row = list.getByRole('button', { name: title, exact: true });
  // The title is not cut short by the actions, and the middle of the row opens the chat.
  await expect(row).toHaveText(title);
  const menuButton = list.getByRole('button', { name: `Actions for ${title}` });
  const rowBox = (await row.boundingBox())!;
  const menuBox = (await menuButton.boundingBox())!;
  expect(menuBox.width).toBeLessThanOrEqual(32);
  expect(rowBox.x + rowBox.width).toBeLessThanOrEqual(menuBox.x + 1);
  await row.click({ position: { x: rowBox.width / 2, y: rowBox.height / 2 } });
  await expect(page.getByRole('tab', { name: title })).toHaveAttribute('aria-selected', 'true');
  await expect(list.getByRole('img', { name: 'Pinned' })).toHaveCount(0);

  // Keyboard: the ⋯ follows the row in the tab order; arrows move in the menu; Escape closes.
  if (info.project.name === 'phone') await page.getByRole('button', { name: 'Show your chats' }).click();
  await row.focus();
  await page.keyboard.press('Tab');
  await expect(menuButton).toBeFocused();
  await page.keyboard.press('Enter');
  const pin = list.getByRole('button', { name: 'Pin', exact: true });
  await expect(pin).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(list.getByRole('button', { name: 'Rename', exact: true })).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(pin).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(pin).toBeHidden();
  await expect(menuButton).toBeFocused();
  await menuButton.click();
  await pin.click();
  // The pin is an icon with a name, never an emoji that needs a font.
  await expect(list.getByRole('img', { name: 'Pinned' })).toBeVisible();
  expect(await list.textContent()).not.toContain('📌');

  // Renaming: the box is not covered, and a refused title stays in it.
  await menuButton.click();
  await list.getByRole('button', { name: 'Rename', exact: true }).click();
  const box = list.getByLabel('Chat title');
  await expect(box).toBeFocused();
  await box.fill('Oranges');
  await box.press('Enter');
  await expect(list.getByRole('button', { name: 'Pinned Oranges', exact: true })).toBeVisible();
});

test('a busy provider shows a countdown while it is asked again, and Stop ends the wait', async ({ page, context, baseURL }, info) => {
  test.setTimeout(60_000);
  const slug = await owner(context, baseURL, `${info.project.name}-busy-${Date.now()}`);
  await withProvider(context, baseURL, slug);
  await openHydrated(page, `/t/${slug}/chat`);

  // Refused once with Retry-After: 3, then answered.
  await send(page, `Patience please /fail-once:429:3 ${Date.now()}`);
  const busy = lastAnswer(page).getByRole('status').filter({ hasText: /The provider is busy, retrying in \d s…/ });
  await expect(busy).toBeVisible();
  await expect(lastAnswer(page)).toContainText('You said: Patience please', { timeout: 15_000 });
  await expect(busy).toBeHidden();

  // Refused every time: Stop during the wait ends it.
  await send(page, 'Never mind /fail:429:5');
  const waiting = lastAnswer(page).getByRole('status').filter({ hasText: 'The provider is busy' });
  await expect(waiting).toBeVisible();
  await waiting.getByRole('button', { name: 'Stop' }).click();
  await expect(lastAnswer(page).getByText('Stopped')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
});

test('a refused edit of a question stays open with what was typed', async ({ page, context, baseURL }, info) => {
  const slug = await owner(context, baseURL, `${info.project.name}-edit-${Date.now()}`);
  await withProvider(context, baseURL, slug);
  await openHydrated(page, `/t/${slug}/chat`);
  await send(page, 'Short question');
  await expect(lastAnswer(page)).toContainText('You said: Short question.');
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const box = page.getByLabel('Edit your message');
  const tooLong = 'y'.repeat(100_001);
  await box.fill(tooLong);
  await box.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'too long' })).toBeVisible();
  await expect(box).toBeVisible();
  expect((await box.inputValue()).length).toBe(tooLong.length);
});
