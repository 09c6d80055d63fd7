FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY samples samples
COPY apps/web/public apps/web/public
USER node
EXPOSE 3000
CMD ["sh", "-c", "exec node --max-old-space-size=${API_HEAP_MB:-384} dist/apps/api/src/main.js"]
