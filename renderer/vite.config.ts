// Builds the renderer into dist/renderer. Relative base so the same build works from app:// (desktop) and
// from `strata serve` at / (browser mode).
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      // react-query marks modules "use client" for server-component bundlers; meaningless here.
      onwarn(warning, warn) { if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning); },
    },
  },
});
