// First load of the app shell in Debian's Chromium, with an empty cache: requests, bytes
// on the wire (compressed, headers included), first contentful paint, and the moment
// hydration finished (the app's `parley-hydrated` performance mark).
// Usage: BASE_URL=http://127.0.0.1:3000 node bench/first-load.mjs [runs]
import { chromium } from '@playwright/test';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const runs = Number(process.argv[2] ?? 7);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const samples = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let requests = 0;
  let bytes = 0;
  cdp.on('Network.requestWillBeSent', () => { requests += 1; });
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.waitForLoadState('networkidle');
  const timing = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    hydrated: performance.getEntriesByName('parley-hydrated')[0]?.startTime ?? NaN,
  }));
  if (i > 0) samples.push({ requests, bytes, ...timing }); // the first run warms the server
  await context.close();
}
await browser.close();

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const p90 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.round((s.length - 1) * 0.9)]; };
const col = (k) => samples.map((s) => s[k]);
console.log(`| figure (${samples.length} runs, empty cache) | median | p90 |`);
console.log('|---|---|---|');
console.log(`| requests for the first load | ${median(col('requests'))} | ${p90(col('requests'))} |`);
console.log(`| bytes on the wire, compressed (KB) | ${(median(col('bytes')) / 1000).toFixed(1)} | ${(p90(col('bytes')) / 1000).toFixed(1)} |`);
console.log(`| first contentful paint (ms) | ${median(col('fcp')).toFixed(0)} | ${p90(col('fcp')).toFixed(0)} |`);
console.log(`| hydrated (ms after navigation start) | ${median(col('hydrated')).toFixed(0)} | ${p90(col('hydrated')).toFixed(0)} |`);
