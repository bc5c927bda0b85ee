// The error a kubeconfig that cannot be used throws when it is loaded: what is wrong,
// where (which file, context, user or cluster), and how to fix it; never a credential.

import { ScalerdError } from '../errors.js';

export class KubeConfigError extends ScalerdError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SCALERD_ERR_KUBE_CONFIG', message, options);
  }
}
