#!/usr/bin/env node
// The `strata` command. The core is TypeScript run through tsx's loader, so no build step is needed to serve.
import { register } from 'tsx/esm/api';
register();
await import('../core/cli.ts');
