# The cmq-edge TCP bridge as a container: CMQ's binary TCP protocol in front of a deployed Worker
# (README "Deploy"). The Worker itself is deployed with wrangler; this image holds only the bridge.
#   docker build -f deploy/bridge.Dockerfile -t cmq-edge-bridge .      (from the repository root)
#   docker run -d -p 6380:6380 --env-file bridge.env cmq-edge-bridge    (deploy/bridge.env.example)

# The Node the project pins (package.json's `node`).
FROM node:22.23.3-slim

WORKDIR /app
COPY package.json package-lock.json ./
# The bridge's runtime only: the dependencies and tsx, which runs its TypeScript as `npm run bridge`
# does (a devDependency, so it is promoted here; the lock still fixes every version). No wrangler,
# no workerd. None of these needs an install script.
RUN TSX="$(node -p 'require("./package.json").devDependencies.tsx')" \
  && npm pkg delete devDependencies scripts allowScripts \
  && npm pkg set "dependencies.tsx=$TSX" \
  && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
COPY tcp-bridge/src ./tcp-bridge/src

USER node
# Every interface of the container; the rest comes from the environment (tcp-bridge/src/config.ts).
# CMQ_BRIDGE_TOKEN has no default: the bridge refuses to start without it.
ENV CMQ_TCP_HOST=0.0.0.0 CMQ_TCP_PORT=6380
EXPOSE 6380
# node is PID 1 and handles the SIGTERM of `docker stop`: it finishes calls in flight, then exits.
CMD ["node", "--import", "tsx", "tcp-bridge/src/main.ts"]
