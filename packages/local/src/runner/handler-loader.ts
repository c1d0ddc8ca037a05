/**
 * Resolves an SST handler string (`services/<name>/handler.main`) to the exported function, the way
 * Lambda does: everything before the last `.` is the module (relative to the project root), the
 * rest is the export name. Modules are loaded with a dynamic import, so TypeScript sources need a
 * TypeScript-aware loader (tsx, vitest), which `recops local` runs under.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HandlerLoadError } from './errors';

export type LambdaHandler = (event: unknown, context: unknown) => unknown;

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

export function splitHandler(handler: string): { modulePath: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1 || handler.slice(dot).includes('/')) {
    throw new HandlerLoadError(`Handler "${handler}" must be <module path>.<export name>, e.g. services/config-intake/handler.main`);
  }
  return { modulePath: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

export async function loadHandler(rootDir: string, handler: string): Promise<LambdaHandler> {
  const { modulePath, exportName } = splitHandler(handler);
  const base = resolve(rootDir, modulePath);
  let file: string | undefined;
  for (const extension of EXTENSIONS) {
    try {
      await access(base + extension);
      file = base + extension;
      break;
    } catch {
      // try the next extension
    }
  }
  if (!file) throw new HandlerLoadError(`Handler "${handler}": no module ${modulePath}{${EXTENSIONS.join(',')}} under ${rootDir}`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new HandlerLoadError(`Handler "${handler}": importing ${file} failed: ${(error as Error).message}`, { cause: error });
  }
  const exported = module[exportName];
  if (typeof exported !== 'function') {
    throw new HandlerLoadError(
      `Handler "${handler}": ${file} has no exported function "${exportName}" (exports: ${Object.keys(module).join(', ') || 'none'})`,
    );
  }
  return exported as LambdaHandler;
}
