# One image for every Switchyard service; docker-compose picks the service by its command.
FROM node:24-slim AS build
WORKDIR /app
RUN corepack enable
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
# Every dependency (the compiler included) to compile each package's src/ to dist/; then a fresh install of the
# production dependencies only, from the same fetched store.
RUN pnpm install --offline --frozen-lockfile \
  && pnpm build \
  && find . -name node_modules -type d -prune -exec rm -rf {} + \
  && pnpm install --offline --frozen-lockfile --prod

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
# Services run the compiled JavaScript: the `@switchyard/dist` condition makes the workspace packages resolve to their
# dist/ (see their package.json `exports`), and with type stripping off nothing can fall back to a src/*.ts file.
ENV NODE_OPTIONS="--conditions=@switchyard/dist --no-experimental-strip-types"
COPY --from=build /app /app
# Where the credentials volume is mounted: owned by the services' user, so auth-init can write the seeds (0600).
RUN mkdir -p /auth && chown node:node /auth
USER node
CMD ["node", "coordinator/dist/main.js"]
