// Watch streams: newline-delimited JSON cut anywhere by TCP, and the ConfigMap watch over
// a scripted server: bookmarks move the version on, 410 Expired lists again, an ERROR
// event or a line that is not JSON is reported and the watch starts over.

import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createKubeDeps } from '../../src/kube/index.js';
import { createConfigMaps } from '../../src/kube/config-maps.js';
import { createLineDecoder, parseWatchEvent } from '../../src/kube/watch-lines.js';
import type { StoredConfigMap } from '../../src/ports/config-maps.js';
import { waitFor } from './helpers.js';
import { type LocalServer, type Seen, json, startServer, status, targetFor } from './local-server.js';

describe('the line decoder', () => {
  it('joins lines cut across chunks, even inside a character, and keeps a last line without its newline', () => {
    const lines: string[] = [];
    const decoder = createLineDecoder((line) => lines.push(line));
    const bytes = Buffer.from('{"a":"é"}\n\n{"b":2}\n{"c":3}');
    const cut = bytes.indexOf(0xa9); // the second byte of é
    decoder.push(bytes.subarray(0, 3));
    decoder.push(bytes.subarray(3, cut));
    expect(lines).toEqual([]);
    decoder.push(bytes.subarray(cut, cut + 12));
    decoder.push(bytes.subarray(cut + 12));
    expect(lines).toEqual(['{"a":"é"}', '{"b":2}']);
    decoder.end();
    expect(lines).toEqual(['{"a":"é"}', '{"b":2}', '{"c":3}']);
  });

  it('refuses a line that is not an event', () => {
    expect(parseWatchEvent('{"type":"ADDED","object":{"kind":"ConfigMap"}}')).toEqual({ type: 'ADDED', object: { kind: 'ConfigMap' } });
    expect(() => parseWatchEvent('<html>')).toThrow('a watch event is not JSON: <html>');
    expect(() => parseWatchEvent('{"type":"ADDED"}')).toThrow(/not an event/);
  });
});

const NAME = 'scalerd-overrides';
const configMap = (resourceVersion: string, value: string) => ({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: NAME, namespace: 'scalerd', resourceVersion }, data: { value } });
const line = (type: string, object: object) => `${JSON.stringify({ type, object })}\n`;

/** What each watch request gets, in order; a script that returns without ending the answer holds the stream open. */
type Script = (res: ServerResponse) => void;

let server: LocalServer | undefined;
let stop = new AbortController();
afterEach(async () => {
  stop.abort();
  stop = new AbortController();
  await server?.close();
});

async function watchWith(lists: ReturnType<typeof configMap>[], watches: Script[]) {
  server = await startServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://x').searchParams.get('watch') !== 'true') {
      const item = lists.shift()!;
      return json(res, 200, { kind: 'ConfigMapList', metadata: { resourceVersion: item.metadata.resourceVersion }, items: [item] });
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    watches.shift()?.(res);
  });
  const seen: (string | undefined)[] = [];
  const errors: string[] = [];
  const failed: string[] = [];
  const deps = createKubeDeps({ target: targetFor(server.url), sleep: async () => {}, onApiCall: (api, operation, outcome) => { if (outcome !== 'ok') failed.push(`${api} ${operation} ${outcome}`); } });
  void createConfigMaps(deps).watch('scalerd', NAME, (cm: StoredConfigMap | undefined) => seen.push(cm?.data.value), {
    signal: stop.signal, onError: (error) => errors.push(error.message),
  });
  return { seen, errors, failed, requests: (): Seen[] => server!.seen };
}

const describeRequest = (s: Seen) => {
  const q = s.url.searchParams;
  return q.get('watch') ? `watch from ${q.get('resourceVersion')}` : 'list';
};

describe('the ConfigMap watch', () => {
  it('lists, watches from the list\'s version, moves on with bookmarks and events cut anywhere, and lists again after 410', async () => {
    const { seen, errors, failed, requests } = await watchWith([configMap('10', 'one'), configMap('20', 'three')], [
      (res) => {
        const text = line('BOOKMARK', { kind: 'ConfigMap', metadata: { resourceVersion: '15' } }) + line('MODIFIED', configMap('16', 'twö'));
        const bytes = Buffer.from(text);
        res.write(bytes.subarray(0, 20));
        res.write(bytes.subarray(20, bytes.indexOf('ö') + 1));
        res.end(bytes.subarray(bytes.indexOf('ö') + 1)); // the server's timeoutSeconds: resume
      },
      (res) => res.end(line('ERROR', status(410, 'Expired', 'too old resource version: 16 (17)'))),
      () => {}, // held open until the test stops
    ]);
    await waitFor('the third watch', () => requests().length === 5).catch((e) => { console.log(requests().map(describeRequest), errors, seen); throw e; });
    expect(requests().map(describeRequest)).toEqual(['list', 'watch from 10', 'watch from 16', 'list', 'watch from 20']);
    expect(seen).toEqual(['one', 'twö', 'three']);
    expect(errors).toEqual([]);
    expect(failed).toEqual([]); // 410 Expired is the watch's protocol, not a failure
    expect(Object.fromEntries(requests()[1]!.url.searchParams)).toEqual({
      watch: 'true', fieldSelector: `metadata.name=${NAME}`, resourceVersion: '10', allowWatchBookmarks: 'true', timeoutSeconds: '300',
    });
    expect(requests()[0]!.url.pathname).toBe('/api/v1/namespaces/scalerd/configmaps');
  });

  it('reports an ERROR event or a line that is not an event, and starts again from a list', async () => {
    const { seen, errors, failed, requests } = await watchWith([configMap('10', 'one'), configMap('11', 'one'), configMap('12', 'two')], [
      (res) => res.end(line('ERROR', status(500, 'InternalError', 'etcd is down'))),
      (res) => res.end('<html>proxy error</html>\n'),
      () => {},
    ]);
    await waitFor('the third watch', () => requests().length === 6);
    expect(requests().map(describeRequest)).toEqual(['list', 'watch from 10', 'list', 'watch from 11', 'list', 'watch from 12']);
    expect(errors).toEqual([
      `the watch of configmap scalerd/${NAME} failed: 500 etcd is down`,
      'a watch event is not JSON: <html>proxy error</html>',
    ]);
    // Each a failed call, classified as an answer with that status would be.
    expect(failed).toEqual(['kube watch configmaps server', 'kube watch configmaps other']);
    expect(seen).toEqual(['one', 'one', 'two']);
  });
});
