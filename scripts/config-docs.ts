import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withConfigTable } from '../platform/config-docs.ts';
import { projectRoot } from '../platform/paths.ts';

// `npm run docs:config`: rewrites the README's configuration table from platform/config.ts.
const readme = path.join(projectRoot, 'README.md');
writeFileSync(readme, withConfigTable(readFileSync(readme, 'utf8')));
console.log('README.md configuration table updated');
