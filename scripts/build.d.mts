/** The file package.json's "bin" names. */
export const CLI: string;
/** Builds dist/ with tsc (extra arguments added to `-p tsconfig.build.json`), then makes the CLI executable. */
export function build(tscArgs?: string[], root?: string): Promise<void>;
