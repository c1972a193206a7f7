// HTML pages (a saved dashboard, a must-gather's index): named as such rather than "unrecognised".

import type { SkippedContent } from '../format.ts';

export const htmlPage: SkippedContent = {
  name: 'html-page',
  description: 'HTML pages',
  detect: (head) => {
    if (/^<(!doctype|html)/i.test(head.text)) return { confidence: 0.3, reason: 'HTML page' };
    if (/\.html?$/i.test(head.path)) return { confidence: 0.2, reason: 'HTML page' };
    return null;
  },
};
