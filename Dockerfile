# The image of `gitops controller` (and of every other gitops command), as `gitops install --export`
# deploys it: built from this repository, run as the distroless non-root user (uid 65532, the
# runAsUser of the Deployment) on a read-only root file system; it needs no git binary (fetches go
# through git-source's own smart-HTTP client) and writes only to /tmp (an emptyDir).
#
#   docker build -t ghcr.io/gitops-sdk/gitops:0.1.0 .
FROM node:20-bookworm-slim AS build
WORKDIR /src
ENV TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
RUN npm install -g pnpm@10.34.8
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm --filter @gitops-sdk/cli... run build \
 && pnpm --filter @gitops-sdk/cli deploy --prod --legacy /app

FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production HOME=/tmp
USER 65532:65532
EXPOSE 8080 9440
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/bin.js"]
CMD ["controller", "--leader-elect", "--log-format", "json"]
