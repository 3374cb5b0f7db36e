# The service's image: built with dev dependencies, run with production dependencies and the
# compiled JavaScript only. Node 24 is the LTS line (Node 20 reached end of life in April 2026).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json app.ts server.ts ./
COPY engine ./engine
COPY plugins ./plugins
COPY routes ./routes
COPY views ./views
COPY scripts ./scripts
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
# build time, each start skips compiling them again (about 100 ms less to the first answer).
ENV NODE_COMPILE_CACHE=/app/.node-compile-cache
RUN node --input-type=module -e "await import('/app/dist/app.js')" && chown -R node /app/.node-compile-cache
USER node
EXPOSE 8080
# The slim image has no curl or wget: Node itself asks /health.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly (no npm wrapper) as PID 1, so SIGTERM reaches the server and it stops gracefully.
CMD ["node", "dist/server.js"]
