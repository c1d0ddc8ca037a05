#!/usr/bin/env node
// Entry point of the `recops` command: loads the TypeScript sources through tsx in this process,
// so signals reach the command directly and no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exit(await main(process.argv.slice(2)));
