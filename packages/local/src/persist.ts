/**
 * Crash-safe file persistence for the local cloud's data directory.
 *
 * Every write goes to a temporary file in the destination's directory, is fsynced, then renamed
 * over the destination (rename is atomic on POSIX within one file system), and the directory is
 * fsynced so the rename itself survives a power cut. A reader therefore sees either the old or the
 * new content, never a torn file, and anything acknowledged after a write resolved survives a crash.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PersistError, UnsafePathError, quote } from './errors';

const TEMP_SUFFIX = '.tmp';

function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

async function fsyncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Fsyncs a directory so a rename inside it is durable. Some file systems refuse; that is not fatal. */
async function fsyncDir(dir: string): Promise<void> {
  try {
    await fsyncPath(dir, 'r');
  } catch {
    // EISDIR/EINVAL on file systems without directory fsync: the rename is still atomic.
  }
}

/**
 * Makes a file that was written in place (not through writeFileAtomic) durable: fsyncs its bytes
 * and its directory entry. Used for content-addressed files that a later atomic record refers to.
 */
export async function syncFile(file: string): Promise<void> {
  await fsyncPath(file, 'r+');
  await fsyncDir(dirname(file));
}

/** Creates a directory and its parents. */
export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

/**
 * Writes `data` to `file` atomically (temp file + fsync + rename + directory fsync). Streams are
 * piped to the temp file, so large bodies never sit in memory. Parent directories are created.
 */
export async function writeFileAtomic(file: string, data: Buffer | string | Uint8Array | Readable): Promise<void> {
  const dir = dirname(file);
  await ensureDir(dir);
  const temp = tempPathFor(file);
  try {
    if (data instanceof Readable) {
      await pipeline(data, createWriteStream(temp, { flags: 'wx' }));
      await fsyncPath(temp, 'r+');
    } else {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new PersistError(`Could not write ${file}: ${(error as Error).message}`, file, { cause: error });
  }
  await fsyncDir(dir);
}

/** Serialises `value` as pretty JSON and writes it atomically. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads a file, or `undefined` when it does not exist. */
export async function readFileIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PersistError(`Could not read ${file}: ${(error as Error).message}`, file, { cause: error });
  }
}

/**
 * Reads and parses a JSON file, or `undefined` when it does not exist. A file that exists but
 * does not parse raises a PersistError naming the file, never silently resets state.
 */
export async function readJson<T>(file: string): Promise<T | undefined> {
  const raw = await readFileIfExists(file);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as T;
  } catch (error) {
    throw new PersistError(`${file} is not valid JSON: ${(error as Error).message}`, file, { cause: error });
  }
}

/** Deletes a file; a missing file is not an error. */
export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** Deletes a directory tree; a missing directory is not an error. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Names of the entries in a directory, or `[]` when it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new PersistError(`Could not list ${dir}: ${(error as Error).message}`, dir, { cause: error });
  }
}

/** Removes temp files an interrupted write left behind in `dir` (not recursive). */
export async function removeStaleTempFiles(dir: string): Promise<void> {
  for (const name of await listDir(dir)) {
    if (name.startsWith('.') && name.endsWith(TEMP_SUFFIX)) await removeFile(join(dir, name));
  }
}

/**
 * Joins untrusted name segments under `root` and guarantees the result stays inside it.
 * Rejects empty, `.`/`..`, absolute, NUL-containing and separator-containing segments, so a
 * resource name can never address a file elsewhere on disk.
 */
export function resolveInside(root: string, ...segments: string[]): string {
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new UnsafePathError(`Path segment ${quote(segment)} is not allowed`);
    }
    if (segment.includes('\0')) throw new UnsafePathError('Path segments must not contain NUL');
    if (segment.includes('/') || segment.includes('\\') || isAbsolute(segment)) {
      throw new UnsafePathError(`Path segment ${quote(segment)} must not contain a path separator`);
    }
  }
  const base = resolve(root);
  const target = resolve(base, ...segments);
  const rel = relative(base, target);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new UnsafePathError(`${quote(segments.join('/'))} resolves outside ${base}`);
  }
  return target;
}
