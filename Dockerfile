# syntax=docker/dockerfile:1
# scalerd's container images, on Node 24 LTS: the daemon and the CLI (the default target;
# the deployer runs from it too), and `lb`, lb-sync with haproxy.
#
#   docker build -t scalerd:0.1.0 .
#   docker build --target lb -t scalerd-lb:0.1.0 .
#   docker run --rm scalerd:0.1.0 --help
#
# `build` compiles TypeScript with the dev dependencies; `deps` installs the production
# dependencies only (no compiler, no test runner, no install scripts); `runtime` copies the
# two results onto a fresh base, and both images start from it. Nothing of the build
# (sources, npm's cache, dev dependencies) reaches an image.

ARG NODE_MAJOR=24

FROM node:${NODE_MAJOR}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
# The console's page, bundled by the build into dist/console-web/.
COPY web ./web
RUN npm run build

FROM node:${NODE_MAJOR}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# What both images run on: Node, tini, the build output and the production dependencies.
FROM node:${NODE_MAJOR}-bookworm-slim AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
# Labels both images carry; each adds its title and description.
LABEL org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/scalerd/scalerd"
# tini as PID 1: it forwards SIGTERM to node and reaps the children node does not wait
# for (a kubeconfig's exec credential plugin can leave some). Debian's package, pinned to
# bookworm's version.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1* \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY schedules ./schedules
COPY deployer ./deployer
# A numeric user (not the image's "node"), so that runAsNonRoot can verify it; nothing is
# written to the filesystem at run time, so a read-only root filesystem works.
USER 65532:65532
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/cli/main.js"]

# The load balancer's image: `scalerd lb-sync` and haproxy (bookworm's 2.6), which it
# checks configs with (`haproxy -c`); the pod runs haproxy from the same image beside it
# (deploy/components/lb).   docker build --target lb -t scalerd-lb:0.1.0 .
FROM runtime AS lb
LABEL org.opencontainers.image.title="scalerd-lb" \
      org.opencontainers.image.description="scalerd lb-sync beside haproxy: the blue/green deployer's load balancer, kept in etcd"
USER 0:0
RUN apt-get update \
 && apt-get install -y --no-install-recommends haproxy=2.6.* \
 && rm -rf /var/lib/apt/lists/*
USER 65532:65532
EXPOSE 8000
CMD ["lb-sync"]

# The daemon's image, the default target: `scalerd run` and the CLI.
FROM runtime
LABEL org.opencontainers.image.title="scalerd" \
      org.opencontainers.image.description="Schedule-driven sizing of Kubernetes clusters on AWS Auto Scaling groups, with safe scale-down"
EXPOSE 8080
# The daemon's settings come from SCALERD_* variables (see README, "Configuration"); the
# command line is the same on a host: node dist/cli/main.js run. The deployer runs from
# this image too, with `deployer` as its command (deploy/components/deployer).
CMD ["run"]
