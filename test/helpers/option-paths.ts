import ts from 'typescript';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** A program over src/options.ts and `more` files, with the project's strictness. */
export function createProgram(more: readonly string[]): ts.Program {
  return ts.createProgram([`${SRC}options.ts`, ...more], {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    skipLibCheck: true,
    noEmit: true,
  });
}

/**
 * Every option a host can set, as dotted paths ("passive.portRange",
 * "loginThrottle.lockout.window"), read from the FtpServerOptions type itself
 * with the TypeScript compiler: so a new option anywhere in src/ shows up here
 * without anyone listing it. Nested groups are followed when they are option
 * objects (interfaces declared in src/, or a Pick of Node's TLS options);
 * functions, arrays, filesystems and loggers are leaves.
 */
export function optionPaths(program: ts.Program = createProgram([])): string[] {
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(`${SRC}options.ts`)!;
  let root: ts.InterfaceDeclaration | undefined;
  ts.forEachChild(file, (node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'FtpServerOptions') root = node;
  });
  if (!root) throw new Error('FtpServerOptions not found');
  const paths: string[] = [];
  const LEAVES = new Set(['FileSystem', 'Logger', 'Messages', 'AbortSignal']);
  const walk = (type: ts.Type, prefix: string, depth: number) => {
    for (const property of checker.getPropertiesOfType(type)) {
      const path = prefix ? `${prefix}.${property.name}` : property.name;
      paths.push(path);
      if (depth >= 3) continue;
      const declared = checker.getTypeOfSymbol(property);
      for (const part of declared.isUnion() ? declared.types : [declared]) {
        if (!(part.flags & ts.TypeFlags.Object) || part.getCallSignatures().length > 0 || checker.isArrayType(part) || checker.isTupleType(part)) continue;
        const name = part.aliasSymbol?.name ?? part.getSymbol()?.name ?? '';
        if (LEAVES.has(name)) continue;
        const where = part.getSymbol()?.declarations?.[0]?.getSourceFile().fileName ?? '';
        const ours = where.startsWith(SRC) || part.aliasSymbol !== undefined;
        if (ours && /Options$|Limits$/.test(name)) walk(part, path, depth + 1);
      }
    }
  };
  walk(checker.getTypeAtLocation(root), '', 0);
  return [...new Set(paths)].sort();
}
