// First load in Debian's Chromium, with an empty cache, of the app shell (`/`, signed out)
// and of the chat page (signed in): requests (the page's code and style, then its data),
// bytes on the wire (compressed, headers included), first contentful paint, and the moment
// hydration finished (the app's `parley-hydrated` performance mark).
// Usage: BASE_URL=http://127.0.0.1:3000 node bench/first-load.mjs [runs]
import { chromium } from '@playwright/test';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const runs = Number(process.argv[2] ?? 7);
const password = 'bench passphrase for the chat page';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** A user with an organisation, for the chat page; returns its path. */
async function chatOwner() {
  const context = await browser.newContext({ baseURL: base });
  const email = `bench-${Date.now()}@example.com`;
  await context.request.post('/api/v1/auth/register', { data: { email, password, name: 'Bench' } });
  await context.request.post('/api/v1/auth/login', { data: { email, password } });
  const slug = `bench-${Date.now()}`;
  const created = await context.request.post('/api/v1/tenants', { data: { slug, name: 'Bench' }, headers: { origin: base } });
  if (created.status() !== 201) throw new Error(`could not create the organisation: ${created.status()}`);
  await context.close();
  return { email, path: `/t/${slug}/chat` };
}

async function measure(path, email) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ baseURL: base });
    if (email) await context.request.post('/api/v1/auth/login', { data: { email, password } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    let code = 0;
    let data = 0;
    let bytes = 0;
    cdp.on('Network.requestWillBeSent', (e) => {
      if (new URL(e.request.url).pathname.startsWith('/api/')) data += 1; else code += 1;
    });
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
    await page.goto(base + path, { waitUntil: 'load' });
    await page.waitForSelector('body[data-hydrated="true"]');
    await page.waitForLoadState('networkidle');
    const timing = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      hydrated: performance.getEntriesByName('parley-hydrated')[0]?.startTime ?? NaN,
    }));
    if (i > 0) samples.push({ code, data, bytes, ...timing }); // the first run warms the server
    await context.close();
  }
  return samples;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const p90 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.round((s.length - 1) * 0.9)]; };

const chat = await chatOwner();
const pages = [['the shell, `/`', await measure('/')], ['the chat page', await measure(chat.path, chat.email)]];
await browser.close();

for (const [name, samples] of pages) {
  const col = (k) => samples.map((s) => s[k]);
  console.log(`\n| first load of ${name} (${samples.length} runs, empty cache) | median | p90 |`);
  console.log('|---|---|---|');
  console.log(`| requests for code, style and the page | ${median(col('code'))} | ${p90(col('code'))} |`);
  console.log(`| requests for data (server functions) | ${median(col('data'))} | ${p90(col('data'))} |`);
  console.log(`| bytes on the wire, compressed (KB) | ${(median(col('bytes')) / 1000).toFixed(1)} | ${(p90(col('bytes')) / 1000).toFixed(1)} |`);
  console.log(`| first contentful paint (ms) | ${median(col('fcp')).toFixed(0)} | ${p90(col('fcp')).toFixed(0)} |`);
  console.log(`| hydrated (ms after navigation start) | ${median(col('hydrated')).toFixed(0)} | ${p90(col('hydrated')).toFixed(0)} |`);
}
