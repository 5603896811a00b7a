import { expect, test } from '@playwright/test';
import { openHydrated } from './support';
import { owner, post, withProvider } from './workspace';

// The command palette (Ctrl/⌘+K), the confirm dialog and the toasts of the design system.

test('Ctrl+K jumps to any page or chat by keyboard, and lists the shortcuts', async ({ page, context, baseURL }, info) => {
  const slug = await owner(context, baseURL, `${info.project.name}-palette-${Date.now()}`);
  await withProvider(context, baseURL, slug);
  const chat = await post(context, baseURL, `/api/v1/tenants/${slug}/chats`, { title: 'Quarterly figures' });
  expect(chat.status()).toBe(201);
  const { id } = await chat.json();
  await openHydrated(page, `/t/${slug}`);

  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  const search = palette.getByRole('combobox', { name: 'Search pages and chats' });
  await expect(search).toBeFocused();
  await expect(palette.getByText('Open this palette')).toBeVisible();
  await search.fill('chatty members');
  await expect(palette.getByRole('option')).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/members$`));
  await expect(page.getByRole('heading', { name: 'Members' })).toBeVisible();
  await expect(palette).toBeHidden();

  // A chat by its title, by the top bar's button this time; arrows move the choice.
  await page.getByRole('button', { name: 'Search or jump to…' }).click();
  await search.fill('quarterly');
  const found = palette.getByRole('option', { name: /Quarterly figures/ });
  await expect(found).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await expect(found).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`chat=${id}`));
  await expect(page.getByRole('tab', { name: 'Quarterly figures' })).toHaveAttribute('aria-selected', 'true');

  // Escape closes it, nothing chosen.
  await page.keyboard.press('Control+k');
  await expect(palette).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();
});

test('a destructive action asks in a dialog that names it; Cancel changes nothing', async ({ page, context, baseURL }, info) => {
  const slug = await owner(context, baseURL, `${info.project.name}-confirm-${Date.now()}`);
  const invite = await post(context, baseURL, `/api/v1/tenants/${slug}/invitations`, { role: 'member' });
  expect(invite.status()).toBe(201);
  await openHydrated(page, `/t/${slug}/members`);
  const pending = page.getByRole('listitem').filter({ hasText: 'Member' }).filter({ has: page.getByRole('button', { name: 'Revoke' }) });
  await expect(pending).toHaveCount(1);

  await pending.getByRole('button', { name: 'Revoke' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Revoke this invitation? The link stops working.');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(pending).toHaveCount(1);

  await pending.getByRole('button', { name: 'Revoke' }).click();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(pending).toHaveCount(1);

  await pending.getByRole('button', { name: 'Revoke' }).click();
  await dialog.getByRole('button', { name: 'Revoke' }).click();
  await expect(pending).toHaveCount(0);
});
