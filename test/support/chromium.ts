// Debian's Chromium, headless, driven by playwright-core for the tests that open the HTML report
// as a reader would. Nothing is downloaded: the tests skip, saying why, when it is not installed.

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ROOT } from './cli.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. */
export const chromiumMissing: string | null = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is not installed (apt-get install chromium; .ci/run does it): browser tests skipped`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}

/** Where a test keeps what a person may want to look at afterwards (screenshots); git-ignored. */
export function artifactPath(name: string): string {
  const dir = path.join(ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

export interface Watched {
  /** Console errors and uncaught exceptions, as text. */
  errors: string[];
  /** Every request the page made other than loading its own file. */
  requests: string[];
}

/**
 * A page that records its console errors and uncaught exceptions, and refuses (and records) every
 * request but the file it was opened from.
 */
export async function watchedPage(browser: Browser, file: string): Promise<{ page: Page; watched: Watched }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const watched: Watched = { errors: [], requests: [] };
  const own = `file://${file}`;
  page.on('console', (message) => {
    if (message.type() === 'error') watched.errors.push(message.text());
  });
  page.on('pageerror', (error) => watched.errors.push(String(error)));
  page.on('request', (request) => {
    if (request.url().split('#')[0] !== own) watched.requests.push(request.url());
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.split('#')[0] === own) return route.continue();
    watched.requests.push(url);
    return route.abort();
  });
  return { page, watched };
}
