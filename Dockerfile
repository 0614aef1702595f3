FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY migrations ./migrations
COPY reference ./reference
COPY examples ./examples
COPY scripts ./scripts
COPY bin ./bin
COPY openapi ./openapi
# The bundles npm start and the command line run, built once here (the app folder is not writable at run time).
RUN node scripts/start.js --build
USER node
EXPOSE 3000
# SIGTERM reaches node directly (no npm in between), so in-flight requests drain on shutdown.
CMD ["node", "--max-old-space-size=512", "scripts/start.js"]
