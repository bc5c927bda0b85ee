/** The newest file under `paths` (files or folders, relative to `root`) and its mtime; mtime 0 when there is none. */
export function newest(root: string, paths: readonly string[]): { file: string | undefined; mtimeMs: number };
/** Why dist/ must be built, or undefined when it is up to date. */
export function staleBecause(root: string): string | undefined;
