# One image for every Switchyard service; docker-compose picks the service by its command.
FROM node:24-slim AS build
WORKDIR /app
RUN corepack enable
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch --prod
COPY . .
RUN pnpm install --offline --frozen-lockfile --prod

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
# Where the credentials volume is mounted: owned by the services' user, so auth-init can write the seeds (0600).
RUN mkdir -p /auth && chown node:node /auth
USER node
# Services run their TypeScript through the tsx loader (a runtime dependency of the workspace root).
CMD ["node", "--import", "tsx", "coordinator/src/main.ts"]
