// The console's browser part: built by scripts/build.mjs (esbuild, from web/) into
// dist/console-web/ and shipped in the npm package, so the console works where nothing can be
// fetched from the internet. Read once at start; served with a Content-Security-Policy that
// allows this origin's own script, style and requests only (no inline script, no eval).

import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** Two levels above both src/console/ and dist/console/: the package's root. */
export const CONSOLE_WEB_DIR = fileURLToPath(new URL('../../dist/console-web/', import.meta.url));

const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/assets/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/assets/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  '/assets/icon.svg': { file: 'icon.svg', type: 'image/svg+xml' },
};

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

type Asset = { readonly body: Buffer; readonly type: string; readonly etag: string };

export type ConsoleAssets = {
  /** Serves the asset at `path`; false when there is none. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean;
};

/** The built files; a console that was not built answers every page with a 503 that says so. */
export async function loadConsoleAssets(dir = CONSOLE_WEB_DIR): Promise<ConsoleAssets> {
  const assets = new Map<string, Asset>();
  let missing: string | undefined;
  for (const [path, { file, type }] of Object.entries(FILES)) {
    try {
      const body = await readFile(`${dir}${file}`);
      assets.set(path, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
    } catch {
      missing ??= `${dir}${file}`;
    }
  }
  return {
    serve(req, res, path) {
      const asset = assets.get(path === '/index.html' ? '/' : path);
      if (!asset) {
        if (!(path in FILES)) return false;
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
        res.end(`the console's files are not built (${missing} is missing): run npm run build\n`);
        return true;
      }
      const headers = { ...SECURITY_HEADERS, 'content-type': asset.type, etag: asset.etag, 'cache-control': path === '/' ? 'no-cache' : 'public, max-age=300' };
      if (req.headers['if-none-match'] === asset.etag) {
        res.writeHead(304, headers);
        res.end();
        return true;
      }
      res.writeHead(200, { ...headers, 'content-length': String(asset.body.length) });
      res.end(req.method === 'HEAD' ? undefined : asset.body);
      return true;
    },
  };
}
