// Which parts a console has: the page asks GET /api/v1/console first. The daemon's console
// has the daemon's pages and, given --deployer-url, the deployer's through its proxy
// (/deployer/…); the deployer's own console has only the Deployments page, its API at the root.

export const CONSOLE_LAYOUT_PATH = '/api/v1/console';
