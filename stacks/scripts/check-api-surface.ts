/**
 * Checks every entry of stacks/api-surface.ts against source checkouts:
 *   npx tsx stacks/scripts/check-api-surface.ts --sst /path/to/sst [--pulumi-aws /path/to/pulumi-aws]
 * The SST checkout should be at tag v4.17.0.
 * Exits 1 when an evidence line is missing; entries of a repository without a checkout are listed
 * as not checked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_SURFACE, SST_SOURCE } from '../api-surface';

function argValue(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index === -1 ? undefined : process.argv[index + 1];
}

const roots: Record<string, string | undefined> = { sst: argValue('--sst'), 'pulumi-aws': argValue('--pulumi-aws') };
let failed = 0;
let checked = 0;
let skipped = 0;
const cache = new Map<string, string>();
for (const entry of API_SURFACE) {
  const root = roots[entry.repo];
  if (root === undefined) {
    skipped += 1;
    continue;
  }
  const path = join(root, entry.file);
  let text = cache.get(path);
  if (text === undefined) {
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      text = '';
    }
    cache.set(path, text);
  }
  checked += 1;
  if (!text.includes(entry.evidence)) {
    failed += 1;
    console.log(`MISSING ${entry.use}: "${entry.evidence}" not in ${entry.repo}:${entry.file}`);
  }
}
console.log(`${checked} checked, ${failed} missing, ${skipped} not checked (no checkout given). Written against ${SST_SOURCE}.`);
process.exitCode = failed > 0 ? 1 : 0;
