#!/usr/bin/env node
'use strict';
// Runs the compiled CLI (npm's "prepare" builds dist/ on npm ci).
// A closed pipe (ica-s3 ... | head) ends the output quietly instead of with a stack trace.
process.stdout.on('error', (error) => { if (error.code === 'EPIPE') process.exit(process.exitCode || 0); else throw error; });
require('../dist/modules/cli/index.js')
  .main(process.argv.slice(2))
  .then((status) => { process.exitCode = status; })
  .catch((error) => {
    process.stderr.write(`ica-s3: unexpected error: ${error && error.message ? error.message : error}\n`);
    process.exitCode = 1;
  });
