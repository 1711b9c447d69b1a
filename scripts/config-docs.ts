import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withConfigTable } from '../platform/config-docs.ts';
import { projectRoot } from '../platform/paths.ts';

// `npm run docs:config`: rewrites the configuration table of docs/operations.md from platform/config.ts.
const page = path.join(projectRoot, 'docs', 'operations.md');
writeFileSync(page, withConfigTable(readFileSync(page, 'utf8')));
console.log('docs/operations.md configuration table updated');
