/**
 * Which AWS SDK commands a handler can reach, read from its source. Starting at the `main` export
 * of `services/<name>/handler.ts`, every top-level declaration it refers to is followed, across
 * modules through imports, `@recops/*` package exports and barrels' re-exports; each declaration
 * contributes the `new XxxCommand(…)` and `paginateXxx(…)` calls it contains, where the name comes
 * from an `@aws-sdk/client-*` package. Type-only imports are not followed. Over-approximates within
 * a declaration (both branches of an `if` count), never across unused declarations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface ReachedCommand {
  /** e.g. `@aws-sdk/client-s3` */
  readonly client: string;
  /** e.g. `GetObjectCommand` (a paginator counts as its List command) */
  readonly command: string;
  /** Repository-relative module that builds it. */
  readonly module: string;
}

interface Body {
  /** Identifiers the code refers to. */
  readonly refs: Set<string>;
  readonly commands: { client: string; command: string }[];
}

interface ModuleInfo {
  /** Local name → where it comes from ('*' for a namespace or default import). */
  readonly imports: Map<string, { file: string; name: string }>;
  /** Files imported for their side effects only. */
  readonly sideEffects: string[];
  /** `export { a as b } from './x'` (`exported: b, local: a`) and `export * from './x'`. */
  readonly reExports: { file: string; exported: string; local: string }[];
  /** Top-level declarations by name, with what their code refers to and builds. */
  readonly declarations: Map<string, Body>;
  /** Local `export { a as b }`: exported name → local name. */
  readonly localExports: Map<string, string>;
  /** Statements that run when the module loads (not declarations). */
  readonly topLevel: Body;
}

const SDK_CLIENT = /^@aws-sdk\/client-/;

export class ReachabilityAnalyzer {
  private readonly modules = new Map<string, ModuleInfo>();
  private readonly workspaces = new Map<string, { dir: string; exports: Record<string, string> }>();

  constructor(private readonly root: string) {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces?: string[] };
    for (const dir of pkg.workspaces ?? []) {
      const manifestPath = join(root, dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name: string; exports?: Record<string, string> };
      this.workspaces.set(manifest.name, { dir: join(root, dir), exports: manifest.exports ?? {} });
    }
  }

  /** Every SDK command reachable from export `name` of `entry` (a repository-relative path). */
  commandsFrom(entry: string, name = 'main'): ReachedCommand[] {
    const reached = new Map<string, ReachedCommand>();
    const seen = new Set<string>();
    const loaded = new Set<string>();
    const pending: { file: string; name: string }[] = [{ file: resolve(this.root, entry), name }];
    const use = (file: string, body: Body, info: ModuleInfo): void => {
      for (const c of body.commands) {
        const command = { ...c, module: relative(this.root, file) };
        reached.set(`${command.command} ${command.module}`, command);
      }
      for (const ref of body.refs) {
        if (info.declarations.has(ref)) pending.push({ file, name: ref });
        const imported = info.imports.get(ref);
        if (imported) pending.push(imported);
      }
    };
    while (pending.length > 0) {
      const { file, name: wanted } = pending.pop() as { file: string; name: string };
      const key = `${file}#${wanted}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const info = this.module(file);
      if (!loaded.has(file)) {
        loaded.add(file);
        use(file, info.topLevel, info);
        for (const effect of info.sideEffects) pending.push({ file: effect, name: '*' });
      }
      if (wanted === '*') {
        for (const declared of info.declarations.keys()) pending.push({ file, name: declared });
        for (const re of info.reExports) pending.push({ file: re.file, name: re.local });
        continue;
      }
      const local = info.localExports.get(wanted) ?? wanted;
      const declaration = info.declarations.get(local);
      if (declaration) {
        use(file, declaration, info);
        continue;
      }
      const imported = info.imports.get(local);
      if (imported) {
        pending.push(imported);
        continue;
      }
      const named = info.reExports.find((re) => re.exported === wanted);
      if (named) pending.push({ file: named.file, name: named.local });
      else for (const re of info.reExports.filter((r) => r.exported === '*')) pending.push({ file: re.file, name: wanted });
    }
    return [...reached.values()].sort((a, b) => `${a.command} ${a.module}`.localeCompare(`${b.command} ${b.module}`));
  }

  private resolveSpecifier(from: string, specifier: string): string | undefined {
    if (specifier.startsWith('.')) return this.resolveFile(resolve(dirname(from), specifier));
    const match = /^(@recops\/[^/]+)(\/.*)?$/.exec(specifier);
    if (!match) return undefined; // an npm dependency: not ours to follow
    const workspace = this.workspaces.get(match[1] as string);
    const target = workspace?.exports[`.${match[2] ?? ''}`];
    return workspace === undefined || target === undefined ? undefined : this.resolveFile(join(workspace.dir, target));
  }

  private resolveFile(base: string): string | undefined {
    const stripped = base.replace(/\.(js|ts)$/, '');
    for (const candidate of [`${stripped}.ts`, join(stripped, 'index.ts')]) if (existsSync(candidate)) return candidate;
    return undefined;
  }

  private module(file: string): ModuleInfo {
    const known = this.modules.get(file);
    if (known) return known;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const info: ModuleInfo = {
      imports: new Map(),
      sideEffects: [],
      reExports: [],
      declarations: new Map(),
      localExports: new Map(),
      topLevel: { refs: new Set(), commands: [] },
    };
    const sdk = new Map<string, string>(); // local name → client package
    for (const statement of source.statements) {
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        const specifier = statement.moduleSpecifier.text;
        const clause = statement.importClause;
        if (SDK_CLIENT.test(specifier)) {
          const bindings = clause?.namedBindings;
          if (bindings && ts.isNamedImports(bindings))
            for (const e of bindings.elements) if (!e.isTypeOnly) sdk.set(e.name.text, specifier);
          continue;
        }
        const target = this.resolveSpecifier(file, specifier);
        if (!target) continue;
        if (!clause) {
          info.sideEffects.push(target);
          continue;
        }
        if (clause.isTypeOnly) continue;
        if (clause.name) info.imports.set(clause.name.text, { file: target, name: 'default' });
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) info.imports.set(bindings.name.text, { file: target, name: '*' });
        else if (bindings) {
          for (const e of bindings.elements)
            if (!e.isTypeOnly) info.imports.set(e.name.text, { file: target, name: (e.propertyName ?? e.name).text });
        }
      } else if (ts.isExportDeclaration(statement)) {
        if (statement.isTypeOnly) continue;
        const clause = statement.exportClause;
        if (!statement.moduleSpecifier) {
          if (clause && ts.isNamedExports(clause))
            for (const e of clause.elements) info.localExports.set(e.name.text, (e.propertyName ?? e.name).text);
          continue;
        }
        if (!ts.isStringLiteral(statement.moduleSpecifier)) continue;
        const target = this.resolveSpecifier(file, statement.moduleSpecifier.text);
        if (!target) continue;
        if (!clause) info.reExports.push({ file: target, exported: '*', local: '*' });
        else if (ts.isNamespaceExport(clause)) info.reExports.push({ file: target, exported: clause.name.text, local: '*' });
        else
          for (const e of clause.elements)
            if (!e.isTypeOnly) info.reExports.push({ file: target, exported: e.name.text, local: (e.propertyName ?? e.name).text });
      } else if (!ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement)) {
        // Types reach no SDK command; every other statement's body is scanned.
        const names = declaredNames(statement);
        const body = scan(statement, sdk);
        if (names.length === 0) merge(info.topLevel, body);
        // Every name of a declaration statement shares its body (e.g. `const a = …, b = …`).
        for (const name of names) info.declarations.set(name, body);
      }
    }
    this.modules.set(file, info);
    return info;
  }
}

function merge(into: Body, from: Body): void {
  for (const ref of from.refs) into.refs.add(ref);
  into.commands.push(...from.commands);
}

/** Identifiers referred to (not property names) and SDK commands built within `node`. */
function scan(node: ts.Node, sdk: ReadonlyMap<string, string>): Body {
  const body: Body = { refs: new Set(), commands: [] };
  const visit = (current: ts.Node): void => {
    if (ts.isIdentifier(current)) {
      const parent = current.parent;
      const isPropertyName = parent !== undefined && ts.isPropertyAccessExpression(parent) && parent.name === current;
      if (!isPropertyName) body.refs.add(current.text);
    }
    if (ts.isNewExpression(current) && ts.isIdentifier(current.expression)) {
      const client = sdk.get(current.expression.text);
      if (client && current.expression.text.endsWith('Command')) body.commands.push({ client, command: current.expression.text });
    }
    if (ts.isCallExpression(current) && ts.isIdentifier(current.expression)) {
      const name = current.expression.text;
      const client = sdk.get(name);
      if (client && /^paginate[A-Z]/.test(name)) body.commands.push({ client, command: `${name.slice('paginate'.length)}Command` });
    }
    ts.forEachChild(current, visit);
  };
  visit(node);
  return body;
}

function declaredNames(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  }
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) {
    const isDefault = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false;
    return isDefault ? [statement.name.text, 'default'] : [statement.name.text];
  }
  if (ts.isExportAssignment(statement)) return ['default'];
  return [];
}
