import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

// Served by the API under /admin/; built into admin-ui/dist.
export default defineConfig({
  root,
  base: '/admin/',
  plugins: [react()],
  build: { outDir: path.join(root, 'dist'), emptyOutDir: true },
});
