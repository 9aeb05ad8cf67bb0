# syntax=docker/dockerfile:1
# Multi-stage: build TypeScript and the workflow bundles, then a slim runtime with production deps.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --ignore-scripts=false
COPY . .
RUN npm run build && npm run build:web

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY db/migrations ./db/migrations
USER node
EXPOSE 3000
# The same image runs the API (default), the worker (`node dist/workers/main.js`) and
# migrations (`node dist/scripts/migrate.js`).
CMD ["node", "dist/api/server.js"]
