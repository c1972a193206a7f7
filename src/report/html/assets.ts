// The page's own stylesheet and script (src/report/html/page/), read once from the installed
// package and inlined into every report: a report never loads anything from anywhere.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../version.ts';

const PAGE_DIR = path.join(PACKAGE_ROOT, 'src', 'report', 'html', 'page');

/** The script's parts, in order; each adds its functions to `kstoryPage`, and main.js starts the page. */
const SCRIPT_PARTS = ['dom.js', 'lanes.js', 'controls.js', 'draw.js', 'timeline.js', 'diff.js', 'main.js'];

let cached: { css: string; js: string; scriptHash: string } | undefined;

/** The stylesheet, the script, and the script's hash for the page's Content-Security-Policy. */
export function pageAssets(): { css: string; js: string; scriptHash: string } {
  if (!cached) {
    const read = (file: string) => {
      const text = readFileSync(path.join(PAGE_DIR, file), 'utf8');
      // `</` cannot appear in an inlined file: it would end its element early.
      if (text.includes('</')) throw new Error(`${file} contains "</", which would close its element`);
      return text;
    };
    // One function scope for all parts: nothing is left on the page's global object.
    const js = `(() => {\nconst kstoryPage = {};\n${SCRIPT_PARTS.map(read).join('\n')}\nkstoryPage.main();\n})();\n`;
    cached = { css: read('page.css'), js, scriptHash: createHash('sha256').update(js).digest('base64') };
  }
  return cached;
}
