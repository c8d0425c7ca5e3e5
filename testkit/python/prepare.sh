#!/usr/bin/env bash
# Prepares a Python environment that a test needs, from pinned PyPI packages:
#   testkit/python/prepare.sh NAME   builds <repo>/.venv-NAME from testkit/python/NAME.requirements.txt
# NAME is milvus-lite (the Milvus server of the integration tests), milvus-server (a standalone Milvus 2.3.5 server, for
# server semantics), schemathesis (the query API fuzz test) or python-client (the tests of clients/python).
# Called by .ci/run, and by the test fixtures when an environment is missing. Idempotent: a ready environment whose
# requirements have not changed is left alone. PYTHON picks the interpreter (default python3; >= 3.10 needed).
set -euo pipefail

name=${1:?usage: prepare.sh NAME (milvus-lite, milvus-server, schemathesis or python-client)}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
requirements="$here/$name.requirements.txt"
venv="$root/.venv-$name"
python=${PYTHON:-python3}
[ -f "$requirements" ] || { echo "prepare.sh: no $requirements; NAME is milvus-lite, milvus-server, schemathesis or python-client" >&2; exit 2; }

if command -v flock >/dev/null 2>&1; then
  exec 9>"$root/.venv-$name.lock"
  flock 9
fi

wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$wanted" ]; then
  echo "$name: environment ready at $venv"
  exit 0
fi

if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
  echo "$name: needs Python >= 3.10 with venv and pip; '$python' is missing or older. Install python3 and python3-venv, or set PYTHON." >&2
  exit 1
fi

echo "$name: installing $(grep -cE '^[A-Za-z0-9]' "$requirements") pinned packages into $venv"
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
echo "$wanted" >"$venv/.requirements.sha256"
echo "$name: environment ready at $venv"
