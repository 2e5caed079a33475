import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What atomic synthesis needs of a cdk8s App. */
interface App {
  outdir: string;
}

/**
 * Runs a cdk8s `synth()` so that it writes everything or nothing: cdk8s validates the whole app
 * first (modelship's checks are validations), but then writes one chart file after the other, so
 * anything that fails while rendering a later chart (a user's JSON patch that does not apply, an
 * error in a Lazy value) would leave earlier charts of the new app beside later charts of the
 * previous one. Here cdk8s writes into a fresh staging directory; only when it succeeded are its
 * files copied over the real output directory. On failure the output directory is untouched,
 * byte for byte, and the error is rethrown.
 *
 * Files in the output directory that this synthesis does not write are left alone, as cdk8s
 * leaves them.
 */
export function synthAtomically<T>(app: App, synth: () => T): T {
  const outdir = app.outdir;
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-synth-'));
  let result: T;
  try {
    app.outdir = staging;
    try {
      result = synth();
    } finally {
      app.outdir = outdir;
    }
    copyTree(staging, outdir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return result;
}

/** Copies every file under `from` into `to`, creating directories (fs.cpSync is experimental in Node 20). */
function copyTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target);
    else fs.copyFileSync(source, target);
  }
}
