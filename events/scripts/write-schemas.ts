/**
 * Writes one JSON Schema file per event of the catalog to `events/schemas/` and removes files of
 * events that no longer exist. A test fails when the committed files differ from this output.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogJsonSchemaFiles } from '../json-schemas';

const schemasDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

const files = catalogJsonSchemaFiles();
await mkdir(schemasDir, { recursive: true });
for (const existing of await readdir(schemasDir))
  if (existing.endsWith('.json') && !files.has(existing)) await rm(join(schemasDir, existing));
for (const [name, content] of files) await writeFile(join(schemasDir, name), content);
console.log(`wrote ${files.size} event schemas to ${schemasDir}`);
