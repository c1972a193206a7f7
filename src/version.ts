// Where kstory is installed and which version it is: read once from its own package.json, found by
// walking up from this file (src/ when run from source, dist/src/ when built).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

function findPackageRoot(): { root: string; version: string } {
  let dir = import.meta.dirname;
  for (let depth = 0; depth < 5; depth++) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (json.name === 'kstory' && json.version) return { root: dir, version: json.version };
    }
    dir = path.dirname(dir);
  }
  throw new Error(`kstory's package.json was not found above ${import.meta.dirname}`);
}

const found = findPackageRoot();

/** The directory holding package.json, patterns/ and docs/. */
export const PACKAGE_ROOT: string = found.root;
export const TOOL_VERSION: string = found.version;

/** How `kstory record` names itself to the API server and Prometheus (`kstory-record/<version>`):
 * its own requests in an audit log are known by it, never evidence of a cluster problem. */
export const RECORD_AGENT = 'kstory-record';
