# syntax=docker/dockerfile:1
# The slbsim image: the CLI as its entry point, what the pods of `slbsim k8s-job` run
# (docs/SCALE.md). Build and try it:
#   docker build -t slbsim:0.1.0 .
#   docker run --rm slbsim:0.1.0 run scenarios/seed-case.yaml
# test/scale/k8s-job.image.test.ts performs these steps without docker.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Without scripts: `prepare` would build before the sources are here.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Without scripts: `prepare` would build, which needs the dev dependencies; dist/ comes from the build stage.
# The npm cache is a build cache mount, so it stays out of the image.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY schema ./schema
COPY scenarios ./scenarios
USER node
ENTRYPOINT ["node", "/app/dist/bin/main.js"]
CMD ["--help"]
