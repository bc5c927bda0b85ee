// A port that cannot be bound, said as one line that names the flag: what went wrong,
// where, and what to do, instead of Node's stack trace. `scalerd run --listen`,
// `scalerd sim --port` and `scalerd deployer --listen` share it.

import { UsageError } from '../errors.js';

/** Node's errors from listen() that are the user's to fix, and what to do about each. */
const REASONS: Readonly<Record<string, (flag: string) => string>> = {
  EADDRINUSE: (flag) => `the address is in use: another process (another scalerd?) listens there; stop it or give ${flag} another port`,
  EACCES: (flag) => `not allowed to listen there (ports below 1024 need root or CAP_NET_BIND_SERVICE); give ${flag} a port above 1023`,
  EADDRNOTAVAIL: (flag) => `that host is not an address of this machine; give ${flag} one of its addresses, 127.0.0.1, or none for all interfaces (:port)`,
  ENOTFOUND: (flag) => `the host name does not resolve; give ${flag} an IP address or a name this machine knows`,
  EAI_AGAIN: (flag) => `the host name could not be resolved now (DNS); give ${flag} an IP address`,
};

/**
 * Binds with `bind()`; when Node refuses the address for a reason the user can fix, throws
 * a UsageError (exit 2) naming `flag` and `value`. Any other failure is rethrown as it is.
 */
export async function bindOrExplain<T>(flag: string, value: string, bind: () => Promise<T>): Promise<T> {
  try {
    return await bind();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    const reason = code === undefined ? undefined : REASONS[code];
    if (reason) throw new UsageError('SCALERD_ERR_CLI_LISTEN', `${flag} ${value}: cannot listen (${code}): ${reason(flag)}`, { cause: error });
    if (error instanceof RangeError) throw new UsageError('SCALERD_ERR_CLI_USAGE', error.message, { cause: error });
    throw error;
  }
}
