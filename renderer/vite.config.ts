// Builds the renderer into dist/renderer. Relative base so the same build works from app:// (desktop) and
// from `strata serve` at / (browser mode). Two pages: the console app (index.html) and the VM console page
// (console.html), which the server answers at /console/vnc.html, one level down: its asset URLs are made relative
// to that place (../assets/...), so they resolve under any base URL the server is reached at.
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
      input: { main: `${import.meta.dirname}/index.html`, console: `${import.meta.dirname}/console.html` },
      // react-query marks modules "use client" for server-component bundlers; meaningless here.
      onwarn(warning, warn) { if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning); },
    },
  },
  experimental: {
    renderBuiltUrl(filename, { hostType, hostId }) {
      if (hostType === 'html' && /(^|[/\\])console\.html$/.test(hostId)) return `../${filename}`;
      return undefined;
    },
  },
});
