'use strict';
// `node test/support/cli-from-source.js ARGS`: bin/ica-s3.js on the TypeScript sources instead of
// dist/, for tests that need the CLI as a process of its own (a pseudo-terminal has to spawn one)
// without depending on a build that may be missing or stale. Each module is transpiled as it is
// required, with the project's compiler options and no type check (ts-jest does the same for
// the tests in process; `tsc --noEmit` checks the types).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');

const root = join(__dirname, '..', '..');
const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: false, declaration: false, incremental: false };

require.extensions['.ts'] = (module, fileName) => {
  const { outputText } = ts.transpileModule(readFileSync(fileName, 'utf8'), { compilerOptions, fileName });
  module._compile(outputText, fileName);
};

require(join(root, 'modules', 'cli', 'index.ts'))
  .main(process.argv.slice(2))
  .then((status) => { process.exitCode = status; });
