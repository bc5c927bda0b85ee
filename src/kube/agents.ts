// Kept-alive connections to the API server: one agent per TLS identity, so 500 evictions
// share a few TLS sessions instead of making 500 handshakes. The cluster's TLS settings
// (CA, server name, verification) are fixed; the identity is the client certificate, which
// an exec plugin may rotate, and a new certificate gets a new agent. The agent of the
// certificate before stays while requests may still be using it; older ones are closed.
// A proxy-url becomes an HTTP CONNECT tunnel (hpagent), kept alive the same way.

import http from 'node:http';
import https from 'node:https';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import type { ClientCertificate } from './auth.js';
import type { KubeCluster } from './target.js';

/** Agents kept at once: the current identity's and the one before it. */
const KEPT = 2;

export function createAgents(cluster: KubeCluster): (certificate: ClientCertificate | undefined) => http.Agent {
  const secure = cluster.server.startsWith('https:');
  const agents = new Map<string, http.Agent>();
  // The same certificate object comes with every request until it rotates: no need to
  // turn its PEMs into a key each time.
  let last: { certificate: ClientCertificate | undefined; agent: http.Agent } | undefined;
  const agentFor = (certificate: ClientCertificate | undefined): http.Agent => {
    const identity = certificate ? `${certificate.cert.toString()}\0${certificate.key.toString()}` : '';
    let agent = agents.get(identity);
    if (agent) {
      // Most recently used last, so the eldest is the first to go.
      agents.delete(identity);
      agents.set(identity, agent);
      return agent;
    }
    agent = newAgent(cluster, secure, certificate);
    agents.set(identity, agent);
    while (agents.size > KEPT) {
      const [eldest, old] = agents.entries().next().value!;
      agents.delete(eldest);
      old.destroy();
    }
    return agent;
  };
  return (certificate) => {
    if (last === undefined || last.certificate !== certificate) last = { certificate, agent: agentFor(certificate) };
    return last.agent;
  };
}

function newAgent(cluster: KubeCluster, secure: boolean, certificate: ClientCertificate | undefined): http.Agent {
  const base = { keepAlive: true };
  if (!secure) return cluster.proxyUrl ? new HttpProxyAgent({ ...base, proxy: cluster.proxyUrl }) : new http.Agent(base);
  const tls: https.AgentOptions = {
    ...base,
    rejectUnauthorized: !cluster.insecureSkipTlsVerify,
    ...(cluster.ca ? { ca: cluster.ca } : {}),
    ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
    ...(certificate ? { cert: certificate.cert, key: certificate.key } : {}),
  };
  return cluster.proxyUrl ? new HttpsProxyAgent({ ...tls, proxy: cluster.proxyUrl }) : new https.Agent(tls);
}
