import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium: browsers cannot be downloaded on these machines.
const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  // One retry, reported as "flaky" in the output, so a rare timing failure is visible without failing CI.
  retries: 1,
  reporter: [['list']],
  timeout: 30_000,
  expect: {
    timeout: 10_000,
    // Pictures of pages against committed baselines: a small tolerance for anti-aliasing.
    toHaveScreenshot: { maxDiffPixelRatio: 0.01, animations: 'disabled', caret: 'hide', scale: 'css' },
  },
  snapshotPathTemplate: '{testDir}/../baselines/{arg}{ext}',
  // A missing baseline is written on a developer's machine (then committed) and fails in CI.
  updateSnapshots: process.env.CI ? 'none' : 'missing',
  use: {
    baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:3000',
    launchOptions: chromium,
    trace: 'off',
  },
  projects: [
    { name: 'desktop', testIgnore: /scale\.spec/, use: { ...devices['Desktop Chrome'], launchOptions: chromium } },
    { name: 'phone', testIgnore: /scale\.spec/, use: { ...devices['Pixel 7'], launchOptions: chromium } },
    // The large-workspace run seeds thousands of rows: it goes last, alone.
    {
      name: 'scale',
      testMatch: /scale\.spec/,
      dependencies: ['desktop', 'phone'],
      use: { ...devices['Desktop Chrome'], launchOptions: chromium },
    },
  ],
});
