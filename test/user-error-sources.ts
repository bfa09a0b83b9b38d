// Every text that can become a UserError's message or hint (face-neutral: shown in Slack too), read from the code
// with TypeScript's checker: each `new UserError(…)` and each `super(…)` of a class extending it (at any depth),
// its first two arguments followed wherever they come from: a constant or table of any module, a helper's returned
// text, a parameter's arguments at every call of its function (a subclass's constructor at every `new`), template
// parts, both arms of a choice. `operatorFix(…)` parts are taken out: they are the operator's, marked.
import ts from 'typescript';

/** One place a UserError is made, `file:line`, `file:function` (its enclosing named function or class), and every
 * text its message and hint can hold (marks out). */
export interface ErrorSource {
  at: string;
  in: string;
  texts: string[];
}

const DEPTH = 8;

export function userErrorSources(root: string): ErrorSource[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    `${root}/tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    },
  )!;
  const program = ts.createProgram(config.fileNames, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const ours = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && /\/(src|handlers|tasks)\//.test(f.fileName.slice(root.length)));

  const symbolOf = (node: ts.Node): ts.Symbol | undefined => {
    const s = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(node) ? node.name : node);
    return s && s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
  };

  // Every call and `new` of the code by the symbol it calls: where a parameter's arguments come from.
  const calls = new Map<ts.Symbol, (ts.CallExpression | ts.NewExpression)[]>();
  const classes: ts.ClassLikeDeclaration[] = [];
  for (const f of ours)
    f.forEachChild(function walk(n: ts.Node): void {
      if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
        const s = symbolOf(n.expression);
        if (s) calls.set(s, [...(calls.get(s) ?? []), n]);
      }
      if (ts.isClassLike(n)) classes.push(n);
      n.forEachChild(walk);
    });

  /** Whether `cls` extends UserError, itself or through another class. */
  const isUserErrorClass = (cls: ts.ClassLikeDeclaration, seen = 0): boolean => {
    const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    if (!base || seen > DEPTH) return false;
    const s = symbolOf(base);
    if (s?.name === 'UserError') return true;
    const decl = s?.declarations?.find(ts.isClassLike);
    return decl ? isUserErrorClass(decl, seen + 1) : false;
  };

  /** The symbol callers call a function-like by: its own name, or the variable or property it is assigned to. */
  const calleeSymbol = (fn: ts.SignatureDeclaration): ts.Symbol | undefined => {
    if (ts.isConstructorDeclaration(fn)) return fn.parent.name && symbolOf(fn.parent.name);
    if (fn.name) return symbolOf(fn.name);
    const p = fn.parent;
    if ((ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)) && p.name) return symbolOf(p.name);
    return undefined;
  };

  /** Every text `node` can hold, followed up to DEPTH steps. */
  function texts(node: ts.Node | undefined, depth: number, seen: Set<ts.Node>): string[] {
    if (!node || depth > DEPTH || seen.has(node)) return [];
    seen = new Set(seen).add(node);
    const next = (n: ts.Node | undefined) => texts(n, depth + 1, seen);
    if (ts.isStringLiteralLike(node)) return [node.text];
    if (ts.isTemplateExpression(node))
      return [node.head.text, ...node.templateSpans.flatMap((s) => [...next(s.expression), s.literal.text])];
    if (ts.isCallExpression(node) && node.expression.getText() === 'operatorFix') return [];
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const s = symbolOf(node.expression);
      const returned = (s?.declarations ?? []).flatMap((d) => {
        const fn = ts.isVariableDeclaration(d) || ts.isPropertyAssignment(d) ? d.initializer : d;
        if (!fn || !ts.isFunctionLike(fn) || !('body' in fn) || !fn.body) return [];
        if (!ts.isBlock(fn.body)) return next(fn.body);
        const out: string[] = [];
        fn.body.forEachChild(function ret(n: ts.Node): void {
          if (ts.isReturnStatement(n)) out.push(...next(n.expression));
          if (!ts.isFunctionLike(n)) n.forEachChild(ret);
        });
        return out;
      });
      return [...returned, ...next(node.expression), ...(node.arguments ?? []).flatMap((a) => next(a))];
    }
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
      const s = symbolOf(ts.isPropertyAccessExpression(node) ? node.name : node);
      return (s?.declarations ?? []).flatMap((d) => {
        if (ts.isVariableDeclaration(d) || ts.isPropertyAssignment(d)) return next(d.initializer);
        if (ts.isShorthandPropertyAssignment(d)) return next(d.name);
        if (ts.isParameter(d) && ts.isFunctionLike(d.parent)) {
          const i = d.parent.parameters.indexOf(d);
          const fn = calleeSymbol(d.parent);
          return (fn ? (calls.get(fn) ?? []) : []).flatMap((c) => next(c.arguments?.[i]));
        }
        return [];
      });
    }
    if (ts.isElementAccessExpression(node)) return next(node.expression);
    if (ts.isObjectLiteralExpression(node) || ts.isArrayLiteralExpression(node))
      return node.getChildren().flatMap((c) => c.getChildren().flatMap((x) => next(x)));
    if (ts.isPropertyAssignment(node)) return next(node.initializer);
    if (ts.isFunctionLike(node)) return 'body' in node && node.body && !ts.isBlock(node.body) ? next(node.body) : [];
    return node.getChildren().flatMap((c) => next(c));
  }

  const out: ErrorSource[] = [];
  const at = (n: ts.Node) => {
    const f = n.getSourceFile();
    return `${f.fileName.slice(root.length + 1)}:${f.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  };
  /** The name of the function or class `n` is made in (an arrow's: the variable it is assigned to). */
  const within = (n: ts.Node): string => {
    const named = ts.findAncestor(n.parent, (a) => {
      if (ts.isFunctionDeclaration(a) || ts.isMethodDeclaration(a) || ts.isClassLike(a)) return !!a.name;
      return (ts.isArrowFunction(a) || ts.isFunctionExpression(a)) && ts.isVariableDeclaration(a.parent);
    });
    const name = named && (ts.isArrowFunction(named) || ts.isFunctionExpression(named) ? named.parent : named);
    const id = name && 'name' in name && name.name ? (name.name as ts.Node).getText() : '(module)';
    return `${n.getSourceFile().fileName.slice(root.length + 1)}:${id}`;
  };
  const site = (n: ts.Node, args: readonly ts.Expression[]) =>
    out.push({ at: at(n), in: within(n), texts: args.slice(0, 2).flatMap((a) => texts(a, 0, new Set())) });
  for (const f of ours)
    f.forEachChild(function walk(n: ts.Node): void {
      if (ts.isNewExpression(n) && symbolOf(n.expression)?.name === 'UserError') site(n, n.arguments ?? []);
      if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.SuperKeyword) {
        const cls = ts.findAncestor(n, ts.isClassLike);
        if (cls && isUserErrorClass(cls)) site(n, n.arguments);
      }
      n.forEachChild(walk);
    });
  return out;
}
