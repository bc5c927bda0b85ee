// The Runtime API commands lb-sync uses on haproxy's admin socket (the current worker):
// the host map (show/add/set/del map), server states (show stat) and the worker's pid
// (show info). Parsing is here too (the traffic counters' in traffic.ts), next to the command it belongs to.

import type { SocketCommand } from './haproxy-socket.js';
import type { ServerState } from './layout.js';

export class RuntimeApiError extends Error {
  constructor(readonly command: string, readonly answer: string) {
    super(`haproxy refused "${command}": ${answer.trim() || '(no answer)'}`);
    this.name = 'RuntimeApiError';
  }
}

export type LiveServer = { readonly state: ServerState; readonly checkStatus: string };
/** haproxy backend name → server name → state. */
export type LiveServers = ReadonlyMap<string, ReadonlyMap<string, LiveServer>>;

export class RuntimeApi {
  constructor(private readonly send: SocketCommand) {}

  /** The map's entries as the running worker has them. */
  async showMap(mapFile: string): Promise<Map<string, string>> {
    const answer = await this.send(`show map ${mapFile}`);
    const entries = new Map<string, string>();
    for (const line of answer.split('\n')) {
      if (line.trim() === '') continue;
      const m = /^0x[0-9a-f]+ (\S+) (\S+)$/.exec(line);
      if (!m) throw new RuntimeApiError(`show map ${mapFile}`, answer);
      entries.set(m[1]!, m[2]!);
    }
    return entries;
  }

  /** `set map` when the key exists, `add map` when it is new. Keys and values never hold spaces (checked before). */
  async putMapEntry(mapFile: string, key: string, value: string, exists: boolean): Promise<void> {
    await this.quiet(`${exists ? 'set' : 'add'} map ${mapFile} ${key} ${value}`);
  }

  async deleteMapEntry(mapFile: string, key: string): Promise<void> {
    await this.quiet(`del map ${mapFile} ${key}`);
  }

  /** The pid of the worker answering this socket. */
  async workerPid(): Promise<number> {
    const answer = await this.send('show info');
    const m = /^Pid: (\d+)$/m.exec(answer);
    if (!m) throw new RuntimeApiError('show info', answer);
    return Number(m[1]);
  }

  async servers(): Promise<LiveServers> {
    return parseShowStat(await this.showStat());
  }

  /** `show stat` as haproxy answers it (CSV), for parseShowStat and parseTraffic (traffic.ts) to read once. */
  async showStat(): Promise<string> {
    return this.send('show stat');
  }

  /** `show servers state`: the text haproxy's server-state-file holds. */
  async serversStateText(): Promise<string> {
    const answer = await this.send('show servers state');
    if (!answer.startsWith('1\n')) throw new RuntimeApiError('show servers state', answer);
    return answer;
  }

  /** Commands that answer nothing when they succeed. */
  private async quiet(command: string): Promise<void> {
    const answer = await this.send(command);
    if (answer.trim() !== '') throw new RuntimeApiError(command, answer);
  }
}

/** `show stat` CSV as rows of cells, and each named column's index (an error naming a column haproxy did not send). */
export function readStatTable(csv: string): { rows: string[][]; column(name: string): number } {
  const lines = csv.split('\n');
  const header = lines[0]?.replace(/^# /, '').split(',') ?? [];
  return {
    rows: lines.slice(1).map((line) => line.split(',')),
    column(name) {
      const i = header.indexOf(name);
      if (i < 0) throw new RuntimeApiError('show stat', `no column ${name} in: ${lines[0] ?? ''}`);
      return i;
    },
  };
}

/** Parses `show stat` CSV: server rows only (not FRONTEND/BACKEND). */
export function parseShowStat(csv: string): Map<string, Map<string, LiveServer>> {
  const table = readStatTable(csv);
  const [px, sv, status, check] = [table.column('pxname'), table.column('svname'), table.column('status'), table.column('check_status')];
  const result = new Map<string, Map<string, LiveServer>>();
  for (const cells of table.rows) {
    const backend = cells[px];
    const server = cells[sv];
    if (!backend || !server || server === 'FRONTEND' || server === 'BACKEND') continue;
    const checkStatus = cells[check] ?? '';
    let servers = result.get(backend);
    if (!servers) result.set(backend, (servers = new Map()));
    servers.set(server, { state: serverState(cells[status] ?? '', checkStatus), checkStatus });
  }
  return result;
}

/**
 * haproxy's status column ("UP", "UP 1/2", "DOWN", "MAINT (via …)", "no check") as one
 * word. A server haproxy assumes UP before its first check has finished is INIT: it is
 * not known to answer yet.
 */
export function serverState(status: string, checkStatus: string): ServerState {
  const word = status.split(' ')[0] ?? '';
  if (status === 'no check') return 'NOCHECK';
  if (word === 'MAINT' || word === 'DRAIN' || word === 'NOLB') return word;
  if (word === 'UP') return checkStatus === 'INI' || checkStatus === '' ? 'INIT' : 'UP';
  return 'DOWN';
}
