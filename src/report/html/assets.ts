// The page's own stylesheet and script (src/report/html/page/), read once from the installed
// package and inlined into every report: a report never loads anything from anywhere.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../version.ts';

const PAGE_DIR = path.join(PACKAGE_ROOT, 'src', 'report', 'html', 'page');

let cached: { css: string; js: string; scriptHash: string } | undefined;

/** The stylesheet, the script, and the script's hash for the page's Content-Security-Policy. */
export function pageAssets(): { css: string; js: string; scriptHash: string } {
  if (!cached) {
    const read = (file: string) => readFileSync(path.join(PAGE_DIR, file), 'utf8');
    // `</` cannot appear in the inlined files: it would end their element early.
    const css = read('page.css');
    const js = read('page.js');
    for (const [file, text] of [
      ['page.css', css],
      ['page.js', js],
    ] as const)
      if (text.includes('</')) throw new Error(`${file} contains "</", which would close its element`);
    cached = { css, js, scriptHash: createHash('sha256').update(js).digest('base64') };
  }
  return cached;
}
