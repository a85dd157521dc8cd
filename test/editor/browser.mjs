// Headless Debian Chromium through playwright-core, with a throwaway profile: shared by both test drivers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export async function launch() {
  const require = createRequire(import.meta.url);
  const { chromium } = require(process.env.PW_MODULE || 'playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'proxylint-chromium-'));
  // Playwright refuses --user-data-dir in args: the profile is the persistent-context folder. XDG_* keep
  // chromium's dconf cache and crash reports out of $HOME.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    env: { ...process.env, XDG_CACHE_HOME: join(profile, 'xdg-cache'), XDG_CONFIG_HOME: join(profile, 'xdg-config') },
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
