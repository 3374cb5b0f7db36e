# The service's image: built with dev dependencies (npm run build: one bundled dist/server.js), run
# with production dependencies (the few the bundle leaves outside) and the built files only. Node 24
# is the LTS line (Node 20 reached end of life in April 2026).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json app.ts server.ts ./
COPY engine ./engine
COPY lib ./lib
COPY plugins ./plugins
COPY routes ./routes
COPY views ./views
COPY scripts ./scripts
# The plugin maker (scripts/plugin.ts) takes check:hosts's rules and host page from its package.
COPY packages ./packages
RUN npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Node 22+ keeps the compiled code of the modules it loads in this folder: filled once here, at
# build time, by a start and a first move, each start skips compiling that code again.
ENV NODE_COMPILE_CACHE=/app/.node-compile-cache
RUN node dist/scripts/warm-start.js && chown -R node /app/.node-compile-cache
USER node
EXPOSE 8080
# The slim image has no curl or wget: Node itself asks /health.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly (no npm wrapper) as PID 1, so SIGTERM reaches the server and it stops gracefully.
CMD ["node", "dist/server.js"]
