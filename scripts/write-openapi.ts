/** Writes the OpenAPI document to a file (default openapi.json), for linting and for clients. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openApiDocument } from '../functions/docs/openapi.ts';

const target = process.argv[2] ?? 'openapi.json';
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${target}`);
