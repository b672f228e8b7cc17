// A test hook, inert unless a page script sets it: an e2e spec sets `window.__STRATA_TEST_RENDER_ERROR__` to an area
// id (with addInitScript, before the console loads) to make that area throw while rendering, and checks that the
// area's error boundary holds the error while the rest of the console keeps working. Nothing in the console sets
// it, and anyone who can set it can already run script in the page.
declare global {
  interface Window { __STRATA_TEST_RENDER_ERROR__?: string }
}

/** Throws while rendering when the test hook names `area`; renders nothing otherwise. */
export function TestRenderError({ area }: { area: string }): null {
  if (window.__STRATA_TEST_RENDER_ERROR__ === area) throw new Error(`Test render error in ${area}`);
  return null;
}
