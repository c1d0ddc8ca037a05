/**
 * Writes the parameter-file reference into README.md between
 * `<!-- parameter-reference:start -->` and `<!-- parameter-reference:end -->`.
 * With `--check`, writes nothing and exits 1 if README.md is stale.
 *
 *   npx tsx packages/core/scripts/write-reference.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withParameterReference } from '../src/reference';

const readmePath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md');
const current = readFileSync(readmePath, 'utf8');
const fresh = withParameterReference(current);

if (process.argv.includes('--check')) {
  if (fresh !== current) {
    console.error('README.md parameter reference is stale: run npx tsx packages/core/scripts/write-reference.ts');
    process.exit(1);
  }
} else if (fresh !== current) {
  writeFileSync(readmePath, fresh);
  console.log('README.md parameter reference updated');
} else {
  console.log('README.md parameter reference is up to date');
}
