import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const workflowsPath = path.join(projectRoot, 'workflows', 'index.ts');
export const toolsDir = path.join(projectRoot, '.tools');
export const adminUiDist = path.join(projectRoot, 'admin-ui', 'dist');
