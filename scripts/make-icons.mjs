#!/usr/bin/env node
// Renders the app icon (assets/build/icon.svg, the one source) to the PNG that electron-builder turns into each
// platform's icon (1024 px: it derives .icns and .ico from it), and copies the SVG as the console's favicon.
// Run after editing the SVG; the outputs are committed, so packaging needs no browser. Uses Debian's Chromium.
//   node scripts/make-icons.mjs
import { chromium } from '@playwright/test';
import { copyFileSync, readFileSync } from 'node:fs';

const SIZE = 1024;
const svg = readFileSync('assets/build/icon.svg', 'utf8').replace('<svg ', `<svg width="${SIZE}" height="${SIZE}" `);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE } });
  await page.setContent(`<body style="margin:0">${svg}</body>`);
  await page.screenshot({ path: 'assets/build/icon.png', omitBackground: true });
} finally {
  await browser.close();
}
copyFileSync('assets/build/icon.svg', 'renderer/public/favicon.svg');
process.stdout.write(`assets/build/icon.png (${SIZE}x${SIZE}) and renderer/public/favicon.svg written\n`);
