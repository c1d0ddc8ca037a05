/**
 * SST's physical naming (`platform/src/components/naming.ts` at v4.17.0), ported so recorded names
 * look like deployed ones. SST's 8-character suffix is random; here it is a hash of the logical
 * name so recordings are reproducible.
 */
import { createHash } from 'node:crypto';

const PRETTY_CHARS = 'abcdefhkmnorstuvwxz';

export function prefixName(app: string, stage: string, max: number, name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9]/g, '');
  const strategy = clean.length + 1 >= max ? 'name' : clean.length + stage.length + 2 >= max ? 'stage+name' : 'app+stage+name';
  if (strategy === 'name') return clean.substring(0, max);
  if (strategy === 'stage+name') return `${stage.substring(0, max - clean.length - 1)}-${clean}`;
  return `${app.substring(0, max - stage.length - clean.length - 2)}-${stage}-${clean}`;
}

export function physicalName(app: string, stage: string, max: number, name: string, suffix = ''): string {
  const main = prefixName(app, stage, max - 9 - suffix.length, name);
  return `${main}-${prettyHash(`${stage}/${name}`, 8)}${suffix}`;
}

function prettyHash(text: string, length: number): string {
  let number = BigInt(`0x${createHash('sha256').update(text).digest('hex').substring(0, 16)}`);
  const base = BigInt(PRETTY_CHARS.length);
  let hash = '';
  while (number > 0n && hash.length < length) {
    hash = PRETTY_CHARS[Number(number % base)] + hash;
    number /= base;
  }
  return hash.padStart(length, 's');
}

/** `platform/src/components/duration.ts` toSeconds. */
export function toSeconds(duration: string): number {
  const [count, unit] = duration.split(' ');
  const value = Number.parseInt(count ?? '', 10);
  const lower = (unit ?? '').toLowerCase();
  if (lower.startsWith('second')) return value;
  if (lower.startsWith('minute')) return value * 60;
  if (lower.startsWith('hour')) return value * 3600;
  if (lower.startsWith('day')) return value * 86400;
  throw new Error(`Invalid duration ${duration}`);
}

/** `platform/src/components/size.ts` toMBs. */
export function toMBs(size: string): number {
  const [count, unit] = size.split(' ');
  const value = Number.parseFloat(count ?? '');
  if (unit === 'MB') return value;
  if (unit === 'GB') return value * 1024;
  throw new Error(`Invalid size ${size}`);
}
