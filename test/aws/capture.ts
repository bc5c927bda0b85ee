// A bare HTTP server on loopback for the EC2 client's tests: it records every request (method,
// path, headers, body) and answers with what the test sets, so that scalerd's client and
// @aws-sdk/client-ec2 can be held to the same wire.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach } from 'vitest';

export type Seen = { readonly method: string; readonly path: string; readonly headers: IncomingHttpHeaders; readonly body: string };

export type Answer = { readonly status: number; readonly body: string; readonly headers?: Readonly<Record<string, string>> } | 'never';

export type Capture = {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  seen: Seen[];
  /** Answers in turn; the last one answers every request after it. */
  answers: Answer[];
};

/** A fresh server for every test of the file; read the fields inside tests. */
export function useCapture(): Capture {
  const capture = { seen: [], answers: [] } as unknown as Capture;
  let server: Server;
  beforeEach(async () => {
    capture.seen = [];
    capture.answers = [{ status: 200, body: describeInstancesXml([]) }];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        capture.seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = capture.answers[Math.min(capture.seen.length, capture.answers.length) - 1]!;
        if (answer === 'never') return;
        // No Date header unless the test sets one: the clients would learn a clock offset from it.
        res.sendDate = false;
        res.writeHead(answer.status, { 'content-type': 'text/xml;charset=UTF-8', ...answer.headers }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    capture.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return capture;
}

/** Static credentials that look like AWS's documentation examples. */
export const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' } as const;

/** EC2's error document, as EC2 sends it. */
export const errorXml = (code: string, message: string, requestId = 'ea966190-f9aa-478e-9ede-cb5432daacc0'): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;

/** A DescribeInstancesResponse with only the fields scalerd reads, one reservation per instance. */
export function describeInstancesXml(instances: readonly { id: string; dns: string; state: string; launched: string }[], nextToken?: string): string {
  const items = instances
    .map(
      (i) =>
        `<item><reservationId>r-${i.id.slice(2)}</reservationId><instancesSet><item><instanceId>${i.id}</instanceId>` +
        `<instanceState><code>16</code><name>${i.state}</name></instanceState><privateDnsName>${i.dns}</privateDnsName>` +
        `<launchTime>${i.launched}</launchTime></item></instancesSet></item>`,
    )
    .join('');
  const token = nextToken !== undefined ? `<nextToken>${nextToken}</nextToken>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>8f7724cf-496f-496e-8fe3-example</requestId><reservationSet>${items}</reservationSet>${token}</DescribeInstancesResponse>`;
}
