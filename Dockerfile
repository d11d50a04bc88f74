# syntax=docker/dockerfile:1
# krm container image: `docker build -t krm .` then `docker run krm api --help`.
# Two stages on the same slim Node LTS base: the build stage compiles TypeScript and prunes
# dev dependencies; the runtime stage gets only dist/ and production node_modules and runs
# as an unprivileged user. Kubernetes manifests are in deploy/.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first so the dependency layer is cached while only sources change.
# --ignore-scripts: no dependency needs an install script, and the dev-only `node` package
# would otherwise download a second Node binary the image never uses.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY core ./core
COPY streamer ./streamer
COPY verifier ./verifier
COPY aggregator ./aggregator
COPY api ./api
COPY client ./client
COPY metrics ./metrics
COPY cli ./cli
COPY bin ./bin
COPY local ./local
COPY test ./test
COPY bench ./bench
COPY capacity ./capacity
COPY usage ./usage
# The runtime needs neither source maps nor declarations (of krm or of its dependencies), nor
# the compiled tests and benchmarks, nor the dependencies' READMEs and changelogs: about half
# of the production node_modules (README.md: "The container image"). What `krm run` starts on
# its own (a private redis-server, a local cluster) is in dist/local; nothing runs from dist/test.
RUN npm run build -- --sourceMap false --declaration false \
 && rm -rf dist/test dist/bench \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.[cm]ts' \
      -o \( -iname '*.md' ! -iname 'license*' \) \) -delete

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# A fixed numeric uid/gid so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
RUN groupadd --system --gid 10001 krm \
 && useradd --system --uid 10001 --gid krm --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin krm
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/bin ./bin
USER 10001:10001
# API port; the per-kind parts and the metrics exporter serve /healthz and /readyz on 8081.
EXPOSE 8080 8081
# bin/krm: the launcher every krm process starts through (its memory settings, docs/architecture.md).
ENTRYPOINT ["/app/bin/krm"]
CMD ["--help"]
