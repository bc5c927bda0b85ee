// A baked backend's traffic, as haproxy counts it: read from the same `show stat` CSV as the
// server states, reported under /scalerd/lb/status/traffic/<id> while the deployer's bake
// key for the backend exists (layout.ts). Pure: parsing and the values to write.
//
// Only baked backends are reported: their counters change with every request, and writing
// every backend's at every poll would grow etcd's history without end.

import { haproxyBackendName, trafficStatusKey, type TrafficStatus } from './layout.js';
import { readStatTable } from './runtime-api.js';

export type BackendTraffic = Omit<TrafficStatus, 'worker' | 'at'>;

const COUNTERS = ['hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other', 'econ', 'eresp', 'chkdown', 'status'] as const;

/** haproxy backend name → its counters: the BACKEND row's responses and errors, its servers' DOWN transitions and states. */
export function parseTraffic(csv: string): Map<string, BackendTraffic> {
  const table = readStatTable(csv);
  const [px, sv] = [table.column('pxname'), table.column('svname')];
  const col = Object.fromEntries(COUNTERS.map((name) => [name, table.column(name)])) as Record<(typeof COUNTERS)[number], number>;
  const result = new Map<string, { responses: number; http5xx: number; connectionErrors: number; responseErrors: number; serverDowns: number; down: string[] }>();
  const entry = (backend: string) => {
    let found = result.get(backend);
    if (!found) result.set(backend, (found = { responses: 0, http5xx: 0, connectionErrors: 0, responseErrors: 0, serverDowns: 0, down: [] }));
    return found;
  };
  for (const cells of table.rows) {
    const backend = cells[px];
    const server = cells[sv];
    if (!backend || !server || server === 'FRONTEND') continue;
    const n = (name: (typeof COUNTERS)[number]) => Number(cells[col[name]] || 0) || 0;
    const counts = entry(backend);
    if (server === 'BACKEND') {
      counts.responses = n('hrsp_1xx') + n('hrsp_2xx') + n('hrsp_3xx') + n('hrsp_4xx') + n('hrsp_5xx') + n('hrsp_other');
      counts.http5xx = n('hrsp_5xx');
      counts.connectionErrors = n('econ');
      counts.responseErrors = n('eresp');
    } else {
      counts.serverDowns += n('chkdown');
      if ((cells[col.status] ?? '').startsWith('DOWN')) counts.down.push(server);
    }
  }
  return result;
}

/** The traffic status of every baked backend haproxy runs, for worker `worker`. */
export function trafficStatuses(bakes: ReadonlySet<string>, traffic: ReadonlyMap<string, BackendTraffic>, worker: number): Map<string, Omit<TrafficStatus, 'at'>> {
  const statuses = new Map<string, Omit<TrafficStatus, 'at'>>();
  for (const id of bakes) {
    const counts = traffic.get(haproxyBackendName(id));
    if (counts) statuses.set(trafficStatusKey(id), { worker, ...counts, down: [...counts.down].sort() });
  }
  return statuses;
}
