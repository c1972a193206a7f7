// `npm run docs`: regenerate what is derived from the code: the column tables of
// docs/bundle-format.md, the field tables of docs/report-format.md, the view reference of
// docs/views.md, and the JSON Schemas of pattern files (patterns/pattern.schema.json), of shared
// signals (patterns/signal.schema.json), of the analysis report (docs/report.schema.json) and of
// resource stories (docs/story.schema.json).

import { readFileSync, writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../src/analyze/report.ts';
import { updateReportDoc } from '../src/analyze/report-doc.ts';
import { updateFormatDoc } from '../src/bundle/format-doc.ts';
import { patternJsonSchema, sharedSignalJsonSchema } from '../src/patterns/schema.ts';
import { storyJsonSchema } from '../src/story/schema.ts';
import { updateViewsDoc } from '../src/views/docs.ts';

const formatDoc = new URL('../docs/bundle-format.md', import.meta.url);
writeFileSync(formatDoc, updateFormatDoc(readFileSync(formatDoc, 'utf8')));
const reportDoc = new URL('../docs/report-format.md', import.meta.url);
writeFileSync(reportDoc, updateReportDoc(readFileSync(reportDoc, 'utf8')));
const viewsDoc = new URL('../docs/views.md', import.meta.url);
writeFileSync(viewsDoc, updateViewsDoc(readFileSync(viewsDoc, 'utf8')));
writeFileSync(
  new URL('../patterns/pattern.schema.json', import.meta.url),
  `${JSON.stringify(patternJsonSchema(), null, 2)}\n`,
);
writeFileSync(
  new URL('../patterns/signal.schema.json', import.meta.url),
  `${JSON.stringify(sharedSignalJsonSchema(), null, 2)}\n`,
);
writeFileSync(
  new URL('../docs/report.schema.json', import.meta.url),
  `${JSON.stringify(reportJsonSchema(), null, 2)}\n`,
);
writeFileSync(
  new URL('../docs/story.schema.json', import.meta.url),
  `${JSON.stringify(storyJsonSchema(), null, 2)}\n`,
);
process.stdout.write(
  'docs/bundle-format.md, docs/report-format.md, docs/views.md, patterns/pattern.schema.json, patterns/signal.schema.json, docs/report.schema.json and docs/story.schema.json updated\n',
);
