// Lowering: turns esbuild's ES2022 bundle into the subset Espruino runs.
//
// Why Babel, and why these transforms: tsc's ES5 output crashes on Espruino (its
// __extends/__generator/__spreadArray helpers rely on hoisting and missing
// built-ins) and esbuild passes destructuring through at ES2015. Babel lets us
// pick exactly the transforms Espruino needs and leave classes, arrows, template
// literals, `for…of` and `??` alone (Espruino runs them, and lowering them would
// only add bytes). The `assumptions` keep Babel from emitting helpers that use
// Symbol.iterator or Array.from: firmware destructures and spreads arrays only.
import { transformAsync, type PluginObj, type types as BabelTypes } from '@babel/core';
import destructuring from '@babel/plugin-transform-destructuring';
import parameters from '@babel/plugin-transform-parameters';
import spread from '@babel/plugin-transform-spread';
import blockScoping from '@babel/plugin-transform-block-scoping';
import exponentiation from '@babel/plugin-transform-exponentiation-operator';
import optionalChaining from '@babel/plugin-transform-optional-chaining';
import logicalAssignment from '@babel/plugin-transform-logical-assignment-operators';
import classProperties from '@babel/plugin-transform-class-properties';
import objectRestSpread from '@babel/plugin-transform-object-rest-spread';
import { ESPRUINO_REQUIRE } from './bundle.ts';

/**
 * Moves every function declaration to the top of its scope (program, function
 * body or block), keeping their relative order. JavaScript hoists function
 * declarations, Espruino does not; moving them is exactly what hoisting means,
 * so the program's behaviour is unchanged and nothing is called before it is
 * defined.
 */
function hoistFunctionDeclarations({ types: t }: { types: typeof BabelTypes }): PluginObj {
  const hoistIn = (body: BabelTypes.Statement[]): BabelTypes.Statement[] => {
    const decls: BabelTypes.Statement[] = [];
    const rest: BabelTypes.Statement[] = [];
    let directives = 0;
    for (const s of body) {
      if (t.isFunctionDeclaration(s)) decls.push(s);
      else if (t.isExportNamedDeclaration(s) && t.isFunctionDeclaration(s.declaration)) decls.push(s);
      else rest.push(s);
    }
    // keep a leading "use strict" expression statement first
    while (directives < rest.length && t.isExpressionStatement(rest[directives]) && t.isStringLiteral((rest[directives] as BabelTypes.ExpressionStatement).expression)) directives++;
    return [...rest.slice(0, directives), ...decls, ...rest.slice(directives)];
  };
  return {
    name: 'lorakit-hoist-function-declarations',
    visitor: {
      'Program|BlockStatement': {
        exit(path) {
          const node = path.node as BabelTypes.Program | BabelTypes.BlockStatement;
          const next = hoistIn(node.body);
          if (next.some((s, i) => s !== node.body[i])) node.body = next;
        },
      },
      SwitchCase(path) {
        const next = hoistIn(path.node.consequent);
        if (next.some((s, i) => s !== path.node.consequent[i])) path.node.consequent = next;
      },
    },
  };
}

/** Renames bundle.ts's placeholder back to Espruino's global `require`. */
function restoreEspruinoRequire({ types: t }: { types: typeof BabelTypes }): PluginObj {
  return {
    name: 'lorakit-restore-require',
    visitor: {
      Identifier(path) {
        if (path.node.name === ESPRUINO_REQUIRE && !path.scope.hasBinding(ESPRUINO_REQUIRE)) path.replaceWith(t.identifier('require'));
      },
    },
  };
}

/** The Babel plugins, in order, with the reason each is needed (ESPRUINO.md's table). */
export const LOWERING = [
  ['class-properties', 'class fields that use `this` get wrong values'],
  ['object-rest-spread', 'object spread/rest is a syntax error'],
  ['destructuring', 'destructuring is not supported (declarations fail as "not defined")'],
  ['parameters', 'default and rest parameters are syntax errors'],
  ['spread', 'spread in calls and arrays is a syntax error'],
  ['optional-chaining', '`?.` is not supported'],
  ['logical-assignment', '`??=`, `||=`, `&&=` are not supported'],
  ['exponentiation', '`**` is not supported'],
  ['block-scoping', '`let` in a for head has one binding for all iterations'],
  ['hoist-function-declarations', 'function declarations are not hoisted'],
] as const;

export async function lowerForEspruino(code: string, filename: string): Promise<string> {
  const result = await transformAsync(code, {
    filename,
    babelrc: false,
    configFile: false,
    sourceType: 'script',
    compact: false,
    comments: false,
    assumptions: {
      iterableIsArray: true,
      arrayLikeIsIterable: false,
      setSpreadProperties: true,
      objectRestNoSymbols: true,
      ignoreFunctionLength: true,
      noDocumentAll: true,
      setPublicClassFields: true,
      setClassMethods: true,
      pureGetters: true,
    },
    plugins: [
      classProperties,
      objectRestSpread,
      destructuring,
      parameters,
      spread,
      optionalChaining,
      logicalAssignment,
      exponentiation,
      blockScoping,
      hoistFunctionDeclarations,
      restoreEspruinoRequire,
    ],
  });
  if (!result?.code) throw new Error(`lowering produced no code for ${filename}`);
  return result.code;
}
