# syntax=docker/dockerfile:1
# One image with every executable of the package (gateway, services, workers, shopctl);
# compose.yaml runs it once per process and picks the executable with `command`.

# ---- build: Swift 6.3 on Debian bookworm, plus the C client libraries' headers ----
FROM swift:6.3-bookworm AS build
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q \
    && apt-get install -y -q --no-install-recommends librabbitmq-dev libhiredis-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Resolve dependencies first: this layer stays cached while only the sources change.
COPY Package.swift ./
RUN swift package resolve

COPY . .
# The Swift runtime and Foundation linked statically, and a section per Swift function: the
# workers' link puts the functions they run at start-up first (Package.swift, workers/startup.order).
RUN swift build -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections

# Stage every executable product of Package.swift, and the resource bundles next to them
# (Bundle.module looks for <package>_<target>.resources beside the executable).
RUN bin="$(swift build -c release --show-bin-path)" \
    && mkdir -p /staging \
    && for product in $(sed -n 's/.*\.executable(name: *"\([^"]*\)".*/\1/p' Package.swift); do \
         cp "$bin/$product" /staging/ || exit 1; \
       done \
    && find "$bin" -maxdepth 1 -name '*.resources' -exec cp -R {} /staging/ \;

# ---- runtime: slim Debian with the C clients' runtime libraries ----
FROM debian:bookworm-slim
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q \
    && apt-get install -y -q --no-install-recommends \
       librabbitmq4 libhiredis0.14 ca-certificates tzdata curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin shop

COPY --from=build /staging/ /usr/local/bin/
WORKDIR /app
COPY config.json queues.yaml openapi.yaml ./

USER shop:shop
ENV HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    GATEWAY_CONFIG=config.json \
    QUEUES_CONFIG=queues.yaml
EXPOSE 8080
CMD ["gateway"]
