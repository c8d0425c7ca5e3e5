#!/usr/bin/env bash
# Validates deploy/ on a machine with no Docker engine and no Kubernetes cluster: what can be checked without running
# the images. Run from anywhere:  deploy/validate.sh
#
#   yamllint        every YAML file: syntax, duplicate keys, indentation (validate/yamllint.yaml)
#   check_deploy    settings, ports, topics, kustomizations, dashboard queries and metric names (validate/check_deploy.py)
#   k8s-schema      the Kubernetes manifests against the Kubernetes JSON schemas, strict (kubernetes-validate, whose
#                   schemas ship in the package), for each version in K8S_VERSIONS
#   kustomize       `kustomize build` of deploy/k8s and deploy/k8s/topics, and the rendered output against the schemas
#   compose         docker-compose.yml loaded by compose-go, the library Docker Compose reads compose files with
#                   (compose-spec schema, interpolation, references between services, volumes and networks)
#   scripts         ShellCheck on the images' entry point and health check, and on this script
#   dockerfile      Hadolint on deploy/docker/Dockerfile
#   healthcheck     deploy/docker/healthcheck.sh against a stand-in service (validate/test_healthcheck.py)
#
# The Python tools install into a virtual environment (VALIDATE_VENV, default deploy/.venv-validate) from
# validate/requirements.txt; the Go tools (kustomize, validate/compose-check) build from the Go module proxy into its
# bin/ on first use, which takes a few minutes for kustomize. Without Go those two steps are skipped, and reported as
# skipped. SKIP_KUSTOMIZE=1 skips kustomize.
set -uo pipefail

DEPLOY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${VALIDATE_VENV:-$DEPLOY/.venv-validate}"
K8S_VERSIONS="${K8S_VERSIONS:-1.30.0 1.33.0}"
KUSTOMIZE_VERSION="v5.8.2"
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly PYTHONDONTWRITEBYTECODE=1

passed=0
failed=0
skipped=0
failures=()

step() { # step NAME COMMAND...: runs the command and counts its outcome
    local name="$1"
    shift
    echo "== ${name}"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "   ${name}: FAILED"
    fi
}

skip() { # skip NAME REASON
    echo "== $1"
    echo "   skipped: $2"
    skipped=$((skipped + 1))
}

# --- tools -----------------------------------------------------------------------------------------------------------
setup_venv() {
    local stamp="$VENV/.requirements.sha256" want
    want="$(sha256sum "$DEPLOY/validate/requirements.txt" | cut -d' ' -f1)"
    if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "   installing the Python tools into ${VENV}"
        python3 -m venv "$VENV" \
            && "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$DEPLOY/validate/requirements.txt" \
            && echo "$want" > "$stamp"
    fi
}

have_go() { command -v go > /dev/null 2>&1; }

build_compose_check() {
    [ -x "$VENV/bin/compose-check" ] && [ "$VENV/bin/compose-check" -nt "$DEPLOY/validate/compose-check/go.sum" ] \
        && [ "$VENV/bin/compose-check" -nt "$DEPLOY/validate/compose-check/main.go" ] && return 0
    echo "   building validate/compose-check"
    (cd "$DEPLOY/validate/compose-check" && go build -o "$VENV/bin/compose-check" .)
}

build_kustomize() {
    [ -x "$VENV/bin/kustomize" ] && "$VENV/bin/kustomize" version 2> /dev/null | grep -q "${KUSTOMIZE_VERSION}" && return 0
    echo "   building kustomize ${KUSTOMIZE_VERSION} (first run only; a few minutes)"
    GOBIN="$VENV/bin" go install "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}"
}

# --- checks ----------------------------------------------------------------------------------------------------------
k8s_files() { # the Kubernetes manifests with built-in kinds (KafkaTopic has no bundled schema; check_deploy checks it)
    find "$DEPLOY/k8s" -name '*.yaml' ! -name kustomization.yaml ! -path '*/topics/*' | sort
}

k8s_schema() {
    local version files
    mapfile -t files < <(k8s_files)
    echo "   ${#files[@]} files: $(for f in "${files[@]}"; do basename "$f"; done | tr '\n' ' ')"
    for version in $K8S_VERSIONS; do
        "$VENV/bin/kubernetes-validate" --kubernetes-version "$version" --strict --quiet "${files[@]}" || return 1
        echo "   valid against Kubernetes ${version} (strict: no unknown fields)"
    done
}

kustomize_check() {
    build_kustomize || return 1
    local out version
    out="$(mktemp -d)"
    "$VENV/bin/kustomize" build "$DEPLOY/k8s" > "$out/ragstream.yaml" || return 1
    "$VENV/bin/kustomize" build "$DEPLOY/k8s/topics" > "$out/topics.yaml" || return 1
    echo "   deploy/k8s renders $(grep -c '^kind:' "$out/ragstream.yaml") resources," \
        "deploy/k8s/topics $(grep -c '^kind: KafkaTopic' "$out/topics.yaml") KafkaTopics"
    for version in $K8S_VERSIONS; do
        "$VENV/bin/kubernetes-validate" --kubernetes-version "$version" --strict --quiet "$out/ragstream.yaml" \
            || return 1
    done
    echo "   the rendered resources are valid against Kubernetes ${K8S_VERSIONS// /, }"
    rm -rf "$out"
}

compose_check() {
    build_compose_check || return 1
    (cd "$DEPLOY/compose" && "$VENV/bin/compose-check" docker-compose.yml)
}

echo "validating ${DEPLOY}"
step "python tools" setup_venv
if [ "$failed" -gt 0 ]; then
    echo "validate.sh: cannot install the Python tools; nothing checked"
    exit 1
fi
step "yamllint" "$VENV/bin/yamllint" --strict -c "$DEPLOY/validate/yamllint.yaml" "$DEPLOY/compose" "$DEPLOY/k8s" \
    "$DEPLOY/docker/jmx-exporter.yaml" "$DEPLOY/validate/yamllint.yaml"
step "check_deploy" "$VENV/bin/python" "$DEPLOY/validate/check_deploy.py"
step "k8s-schema" k8s_schema
if ! have_go; then
    skip "kustomize" "no Go toolchain to build kustomize with"
    skip "compose" "no Go toolchain to build validate/compose-check with"
else
    if [ "${SKIP_KUSTOMIZE:-0}" = 1 ]; then
        skip "kustomize" "SKIP_KUSTOMIZE=1"
    else
        step "kustomize" kustomize_check
    fi
    step "compose" compose_check
fi
step "scripts" "$VENV/bin/shellcheck" "$DEPLOY/docker/run.sh" "$DEPLOY/docker/healthcheck.sh" "$DEPLOY/validate.sh"
step "dockerfile" "$VENV/bin/hadolint" "$DEPLOY/docker/Dockerfile"
step "healthcheck" "$VENV/bin/python" "$DEPLOY/validate/test_healthcheck.py"

echo
if [ "$failed" -gt 0 ]; then
    echo "failed: ${failures[*]}"
fi
echo "validate.sh: ${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
