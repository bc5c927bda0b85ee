// Files a command writes for the time it runs (the embedded simulator's kubeconfig, named
// in its banner for kubectl) and removes on every way out: the command's own end, the
// first Ctrl-C or SIGTERM (which end the command), the second (process.exit), an error.

import { rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';

export type TempFile = {
  readonly path: string;
  /** Removes the file now (again is harmless). */
  remove(): Promise<void>;
};

/** Writes `contents` to `path` (mode 0600: a kubeconfig is a credential) until remove() or the process exits. */
export async function writeTempFile(path: string, contents: string): Promise<TempFile> {
  // Set before the write: an exit while it is under way leaves nothing either.
  const onExit = () => rmSync(path, { force: true });
  process.once('exit', onExit);
  await writeFile(path, contents, { mode: 0o600 });
  return {
    path,
    async remove() {
      process.off('exit', onExit);
      await rm(path, { force: true });
    },
  };
}
