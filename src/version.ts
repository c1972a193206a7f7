// The tool's own version, read once from package.json so that it never drifts from the release.
// The file sits one level up from src/ when run from source and two levels up from dist/src/.

import { existsSync, readFileSync } from 'node:fs';

function readPackageVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    const url = new URL(relative, import.meta.url);
    if (!existsSync(url)) continue;
    const json = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
    if (json.name === 'kstory' && json.version) return json.version;
  }
  return '0.0.0-unknown';
}

export const TOOL_VERSION: string = readPackageVersion();
