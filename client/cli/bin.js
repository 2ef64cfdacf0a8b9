#!/usr/bin/env node
// The `resource-connections` command from a checkout: tsx compiles the TypeScript CLI as it loads.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
await main();
