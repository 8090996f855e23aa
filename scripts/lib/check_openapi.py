"""The checks of scripts/check-openapi (see there): openapi.yaml is valid OpenAPI 3, documents
exactly the routes the services register, and config.json routes each path to its service."""

import argparse
import copy
import json
import os
import re
import subprocess
import sys

import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Each service executable and the config.json placeholder of its upstream URL.
SERVICES = {
    "accounts": "ACCOUNTS_URL",
    "catalog": "CATALOG_URL",
    "cart": "CART_URL",
    "orders": "ORDERS_URL",
    "emails": "EMAILS_URL",
}
# Routes every process serves for operators; the gateway's own document route.
NOT_PUBLIC = {"GET /health", "GET /ready", "GET /metrics"}
GATEWAY_ROUTES = {"GET /openapi.yaml"}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def documented_routes(document):
    """`METHOD /path` for every operation in the document."""
    routes = set()
    for path, item in (document.get("paths") or {}).items():
        for method in METHODS:
            if method in item:
                routes.add(f"{method.upper()} {path}")
    return routes


def registered_routes(bin_path):
    """{service: set of `METHOD /path`} as each service executable prints them with --routes."""
    registered = {}
    for service in SERVICES:
        executable = os.path.join(bin_path, service)
        if not os.access(executable, os.X_OK):
            raise SystemExit(f"check-openapi: no executable {executable} (build first: swift build)")
        result = subprocess.run(
            [executable, "--routes"], capture_output=True, text=True, timeout=60,
            env={**os.environ, "LOG_LEVEL": "error"},
        )
        if result.returncode != 0:
            raise SystemExit(f"check-openapi: '{service} --routes' failed ({result.returncode}): {result.stderr.strip()}")
        routes = {line.strip() for line in result.stdout.splitlines() if re.match(r"^[A-Z]+ /", line.strip())}
        if not routes:
            raise SystemExit(f"check-openapi: '{service} --routes' printed no routes")
        registered[service] = routes - NOT_PUBLIC
    return registered


def gateway_prefixes(config_path):
    """[(prefix, service)] from config.json, the service told by its URL placeholder."""
    with open(config_path, encoding="utf-8") as file:
        config = json.load(file)
    prefixes = []
    for prefix, upstream in config.items():
        target = upstream if isinstance(upstream, str) else json.dumps(upstream)
        services = [service for service, variable in SERVICES.items() if f"${{{variable}" in target]
        prefixes.append((prefix, services[0] if len(services) == 1 else None))
    return prefixes


def service_for_path(path, prefixes):
    """The service config.json sends `path` to (longest prefix on a segment boundary), or None."""
    best = None
    for prefix, service in prefixes:
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, service)
    return best[1] if best else None


def problems(document, registered, prefixes):
    """Everything wrong, as sentences (empty when all holds)."""
    found = []
    try:
        validate(document)
    except Exception as error:  # the validator raises several types; all mean "invalid"
        found.append(f"not a valid OpenAPI 3 document: {str(error).splitlines()[0]}")
        return found
    documented = documented_routes(document) - GATEWAY_ROUTES
    served = {route: service for service, routes in registered.items() for route in routes}
    for route in sorted(set(served) - documented):
        found.append(f"{served[route]} serves '{route}', which openapi.yaml does not document")
    for route in sorted(documented - set(served)):
        found.append(f"openapi.yaml documents '{route}', which no service serves")
    for route, service in sorted(served.items()):
        path = route.split(" ", 1)[1]
        routed_to = service_for_path(path, prefixes)
        if routed_to != service:
            found.append(f"config.json sends '{path}' to {routed_to or 'no service'}, but {service} serves it")
    return found


def self_test(document, registered, prefixes):
    """The checks must catch each of these breakages."""
    cases = []
    broken = copy.deepcopy(document)
    del broken["info"]
    cases.append(("a document without info", broken, registered, prefixes))
    broken = copy.deepcopy(document)
    broken["paths"]["/auth/login"]["post"]["responses"] = "none"
    cases.append(("an operation whose responses is not an object", broken, registered, prefixes))
    extra = copy.deepcopy(registered)
    extra["accounts"] = extra["accounts"] | {"POST /auth/undocumented"}
    cases.append(("a route the document lacks", document, extra, prefixes))
    broken = copy.deepcopy(document)
    broken["paths"]["/nowhere"] = {"get": {"responses": {"200": {"description": "x"}}}}
    cases.append(("a documented route no service serves", broken, registered, prefixes))
    misrouted = [(prefix, "emails" if prefix == "/auth" else service) for prefix, service in prefixes]
    cases.append(("a prefix routed to the wrong service", document, registered, misrouted))
    for name, case_document, case_registered, case_prefixes in cases:
        if not problems(case_document, case_registered, case_prefixes):
            raise SystemExit(f"check-openapi: self-test failed: {name} was not caught")


def main():
    parser = argparse.ArgumentParser(description="Checks openapi.yaml against the services' routes.")
    parser.add_argument("--bin-path", required=True, help="where the built executables are")
    parser.add_argument("--spec", default=os.path.join(REPO_ROOT, "openapi.yaml"))
    parser.add_argument("--config", default=os.path.join(REPO_ROOT, "config.json"))
    arguments = parser.parse_args()
    bin_path = arguments.bin_path

    document, _ = read_from_filename(arguments.spec)
    with open(arguments.spec, encoding="utf-8") as file:
        yaml.safe_load(file)  # a YAML syntax error names its line here
    registered = registered_routes(bin_path)
    prefixes = gateway_prefixes(arguments.config)

    self_test(document, registered, prefixes)
    found = problems(document, registered, prefixes)
    if found:
        for problem in found:
            print(f"check-openapi: {problem}", file=sys.stderr)
        raise SystemExit(1)
    total = sum(len(routes) for routes in registered.values())
    print(f"check-openapi: openapi.yaml is valid and documents all {total} routes of {len(registered)} services")


if __name__ == "__main__":
    main()
