// The smallest client of haproxy's CLI sockets (the Runtime API's stats socket and the
// master CLI): one connection per command, the command written and the write side closed,
// the answer read until haproxy closes. haproxy answers an error in the text, not with a
// status, so callers judge the text.

import { connect } from 'node:net';

export class HaproxySocketError extends Error {
  constructor(
    message: string,
    /** ENOENT, ECONNREFUSED, ETIMEDOUT…: haproxy is not (yet) listening there. */
    readonly errno: string | undefined,
  ) {
    super(message);
    this.name = 'HaproxySocketError';
  }
}

export type SocketCommand = (command: string) => Promise<string>;

export const DEFAULT_SOCKET_TIMEOUT_MS = 3000;

/** Sends one command line on the unix socket at `path`; resolves with haproxy's whole answer. */
export function sendCommand(path: string, command: string, timeoutMs = DEFAULT_SOCKET_TIMEOUT_MS): Promise<string> {
  if (/[\r\n]/.test(command)) return Promise.reject(new HaproxySocketError('a haproxy command is one line', undefined));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new HaproxySocketError(`haproxy did not answer "${command}" on ${path} within ${timeoutMs} ms`, 'ETIMEDOUT'));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new HaproxySocketError(`haproxy socket ${path}: ${error.message}`, error.code));
    });
    socket.on('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.end(`${command}\n`);
  });
}

/** A command function bound to one socket path. */
export const socketAt = (path: string, timeoutMs = DEFAULT_SOCKET_TIMEOUT_MS): SocketCommand => (command) => sendCommand(path, command, timeoutMs);
