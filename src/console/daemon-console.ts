// The console as `scalerd run` serves it on its --listen port: the page at /, and its JSON
// under /api/v1/ (docs/console.md lists the routes). Reads need the token unless the
// operator allowed anonymous reading; changes always do (access.ts). The data are the
// daemon's own: /status's document, the overrides as the watch last saw them, the
// schedule's timeline and the history ConfigMap; overrides are written through the same
// store the CLI uses.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { isoSeconds } from '../clock.js';
import type { HistoryStore } from '../daemon/history.js';
import { parseBody, readBody } from '../http/body.js';
import { ApiError, errorReply, send, type Reply } from '../http/reply.js';
import { wholeNumberArg } from '../cli/arguments.js';
import { newestFirst, type OverrideSet, type OverrideStore } from '../overrides/index.js';
import type { Schedule } from '../schedule/index.js';
import { type ConsoleAccess, requireRead, requireWrite } from './access.js';
import type { ConsoleAssets } from './assets.js';
import { allowed, DEPLOYER_PREFIX, passOn, type DeployerTarget } from './deployer-proxy.js';
import { CONSOLE_LAYOUT_PATH } from './layout.js';
import { LiveFeed } from './live.js';
import type { ConsoleLayoutJson, TimelineJson } from './wire.js';
import { overrideDraft } from './overrides.js';
import { overrideJson } from '../overrides/json.js';
import { doneSteps } from './done.js';
import { consoleTimeline } from './timeline.js';

export type DaemonConsoleDeps = {
  readonly access: ConsoleAccess;
  readonly assets: ConsoleAssets;
  /** /status's document. */
  readonly status: () => Record<string, unknown>;
  readonly schedule: () => Schedule;
  readonly scheduleFile: string;
  /** The overrides as the daemon's watch last saw them. */
  readonly overrides: () => OverrideSet;
  /** Where overrides are written; undefined: the console lists them but takes none. */
  readonly overrideStore?: OverrideStore;
  readonly history?: HistoryStore;
  /** The cluster's clock (the simulator's with --sim): the schedule's times are on it. */
  readonly clock: Clock;
  /** How fast that clock runs against real time (--speed with --sim; 1 otherwise), for the page's countdowns. */
  readonly speed?: number;
  /** The deployer whose Deployments page this console shows too (run --deployer-url); undefined: none. */
  readonly deployer?: DeployerTarget;
  readonly log: Logger;
};

/** Handles the console's paths; false for any other (the daemon's own routes). */
export type ConsoleHandler = ((req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>) & { close(): void };

const DAY = 86_400_000;
const MAX_BODY_BYTES = 64 * 1024;

export function createDaemonConsole(deps: DaemonConsoleDeps): ConsoleHandler {
  const overview = () => {
    const now = deps.clock.now();
    const schedule = deps.schedule();
    const set = deps.overrides();
    return {
      status: deps.status(),
      schedule: {
        file: deps.scheduleFile,
        timezone: schedule.zone.name,
        groups: schedule.nodeGroups.map((g) => ({ name: g.name, asg: g.asg, min: g.min, max: g.max })),
        workloads: schedule.workloads.map((w) => ({ key: w.key, kind: w.kind ?? null, min: w.min, max: w.max })),
      },
      // Newest first, as they take precedence.
      overrides: set.overrides.filter((o) => o.until > now).sort(newestFirst).map((o) => overrideJson(o, now)),
      overrideProblems: set.problems,
      writable: deps.access.token !== undefined && deps.overrideStore !== undefined,
    };
  };
  // The cluster's time as each answer leaves: the page counts down from it, not from its own clock.
  const clockNow = () => ({ clock: { now: new Date(deps.clock.now()).toISOString(), speed: deps.speed ?? 1 } });
  const feed = new LiveFeed({ read: overview, event: 'overview', stamp: clockNow });

  const routes: Record<string, Partial<Record<string, (req: IncomingMessage, res: ServerResponse, rest: string) => Promise<Reply | 'streamed'>>>> = {
    '/api/v1/overview': { GET: async () => ({ status: 200, body: { ...overview(), ...clockNow() } }) },
    '/api/v1/events': { GET: async (_req, res) => { feed.attach(res); return 'streamed'; } },
    // Compact: 30 days of a busy schedule is ~1.5 MB so, twice that indented, and the page's
    // parse of it is part of the charts' render (bench/console.bench.ts).
    '/api/v1/timeline': { GET: async (req) => ({ status: 200, body: await timelineFor(req, undefined), compact: true }) },
    '/api/v1/timeline/preview': {
      POST: async (req) => ({ status: 200, body: await timelineFor(req, { id: 'preview', ...overrideDraft(deps.schedule(), deps.scheduleFile, parseBody(await readBody(req, MAX_BODY_BYTES)), 'console (preview)', deps.clock.now()) }), compact: true }),
    },
    '/api/v1/overrides': {
      GET: async () => {
        const now = deps.clock.now();
        const set = deps.overrides();
        return { status: 200, body: { overrides: set.overrides.map((o) => overrideJson(o, now)), problems: set.problems } };
      },
      POST: async (req) => {
        const store = writableStore();
        const draft = overrideDraft(deps.schedule(), deps.scheduleFile, parseBody(await readBody(req, MAX_BODY_BYTES)), 'console', deps.clock.now());
        const { override } = await store.add(draft);
        deps.log.info({ event: 'console-override-set', id: override.id, capacity: override.capacity, replicas: override.replicas, until: isoSeconds(override.until) }, `console: override ${override.id} stored`);
        return { status: 201, body: overrideJson(override, deps.clock.now()), headers: { location: `/api/v1/overrides/${override.id}` } };
      },
    },
    '/api/v1/overrides/': {
      DELETE: async (_req, _res, id) => {
        const store = writableStore();
        if (!/^[-._a-zA-Z0-9]{1,253}$/.test(id)) throw new ApiError(400, 'SCALERD_ERR_API_REQUEST', `"${id}" is not an override id`);
        const cleared = await store.clear([id]).catch((error: unknown) => {
          if (error instanceof Error && 'code' in error && error.code === 'SCALERD_ERR_OVERRIDE_NOT_FOUND') throw new ApiError(404, 'SCALERD_ERR_API_NOT_FOUND', error.message);
          throw error;
        });
        deps.log.info({ event: 'console-override-cleared', id }, `console: override ${id} cleared`);
        return { status: 200, body: { cleared: cleared.cleared, dropped: cleared.dropped.map((o) => o.id) } };
      },
    },
    '/api/v1/history': {
      GET: async (req) => {
        if (!deps.history) return { status: 200, body: { entries: [], unreadable: [] } };
        const query = new URL(req.url ?? '/', 'http://console').searchParams;
        const group = query.get('group');
        const outcome = query.get('outcome');
        const { entries, unreadable } = await deps.history.list();
        return {
          status: 200,
          body: {
            entries: entries.filter((e) => (!group || group in e.groups || e.nodes.some((n) => n.group === group)) && (!outcome || e.outcome === outcome)),
            unreadable,
          },
        };
      },
    },
  };

  const writableStore = (): OverrideStore => {
    if (!deps.overrideStore) throw new ApiError(403, 'SCALERD_ERR_CONSOLE_READ_ONLY', 'this console takes no changes: the daemon has no override store');
    return deps.overrideStore;
  };

  /** ?days=7 (1 to 31) ahead and ?past=7 (0 to 7) behind, from now; the past with what the history says was done. */
  const timelineFor = async (req: IncomingMessage, draft: Parameters<typeof consoleTimeline>[4]): Promise<TimelineJson> => {
    const query = new URL(req.url ?? '/', 'http://console').searchParams;
    const days = wholeParam(query, 'days', 7, 1, 31);
    const past = wholeParam(query, 'past', 0, 0, 7);
    const now = deps.clock.now();
    const timeline = consoleTimeline(deps.schedule(), now - past * DAY, now + days * DAY, deps.overrides().overrides, draft);
    if (past === 0 || !deps.history) return timeline;
    return { ...timeline, done: doneSteps((await deps.history.list()).entries, now - past * DAY, now) };
  };

  const handler = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (path === CONSOLE_LAYOUT_PATH && req.method === 'GET') {
      send(res, { status: 200, body: { daemon: true, deployer: deps.deployer ? DEPLOYER_PREFIX : null } satisfies ConsoleLayoutJson });
      return true;
    }
    if (path.startsWith(`${DEPLOYER_PREFIX}/`) && deps.deployer) {
      try {
        const rest = path.slice(DEPLOYER_PREFIX.length);
        const may = allowed(req.method ?? 'GET', rest);
        if (!may) throw new ApiError(404, 'SCALERD_ERR_API_ROUTE', `the console passes no ${req.method} ${rest} on to the deployer`);
        if (may.change) requireWrite(req, deps.access);
        else requireRead(req, deps.access);
        await passOn(req, res, deps.deployer, (req.url ?? path).slice(DEPLOYER_PREFIX.length));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        send(res, errorReply(error));
      }
      return true;
    }
    if (!path.startsWith('/api/v1/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      return deps.assets.serve(req, res, path);
    }
    const [base, rest] = path.startsWith('/api/v1/overrides/') ? ['/api/v1/overrides/', path.slice('/api/v1/overrides/'.length)] : [path, ''];
    const route = routes[base];
    try {
      if (!route) throw new ApiError(404, 'SCALERD_ERR_API_ROUTE', `the console has no ${path}`);
      const method = req.method ?? 'GET';
      const handle = route[method];
      if (!handle) throw new ApiError(405, 'SCALERD_ERR_API_METHOD', `${path} takes ${Object.keys(route).join(', ')}`, undefined, { allow: Object.keys(route).join(', ') });
      // A preview is a question, not a change: reading is enough.
      if (method === 'GET' || base === '/api/v1/timeline/preview') requireRead(req, deps.access);
      else requireWrite(req, deps.access);
      const reply = await handle(req, res, rest);
      if (reply !== 'streamed') send(res, reply);
    } catch (error) {
      if (error instanceof ApiError) send(res, errorReply(error));
      else {
        deps.log.error({ event: 'console-error', path, err: error }, `console ${req.method} ${path} failed`);
        send(res, { status: 500, body: { error: { code: 'SCALERD_ERR_API_INTERNAL', message: 'the console failed unexpectedly; the daemon\'s log says why' } } });
      }
    }
    return true;
  };
  return Object.assign(handler, { close: () => feed.close() });
}

/** A query parameter by the CLI's grammar for whole numbers (wholeNumberArg); 400 naming it when it is not one. */
function wholeParam(query: URLSearchParams, key: string, fallback: number, min: number, max: number): number {
  const text = query.get(key);
  if (text === null || text === '') return fallback;
  try {
    return wholeNumberArg(min, max)(text);
  } catch (error) {
    throw new ApiError(400, 'SCALERD_ERR_API_REQUEST', `${key}=${text}: ${(error as Error).message}`);
  }
}
