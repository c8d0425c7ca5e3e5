#!/usr/bin/env bash
# Prepares the Python environment that runs a Milvus Lite server for ragstream's tests.
# Called by .ci/run, and by MilvusFixture when the environment is missing. Idempotent: a ready environment whose
# requirements have not changed is left alone.
#
#   MILVUS_LITE_VENV  where to put it (default: <repo>/.venv-milvus-lite)
#   PYTHON            the interpreter to build it from (default: python3; Milvus Lite needs Python >= 3.10)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${MILVUS_LITE_VENV:-$root/.venv-milvus-lite}
requirements="$here/requirements.txt"
python=${PYTHON:-python3}

if command -v flock >/dev/null 2>&1; then
  exec 9>"$root/.venv-milvus-lite.lock"
  flock 9
fi

wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ -x "$venv/bin/milvus-lite" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$wanted" ]; then
  echo "milvus-lite: environment ready at $venv"
  exit 0
fi

if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
  echo "milvus-lite: needs Python >= 3.10 with venv and pip; '$python' is missing or older. Install python3 and python3-venv, or set PYTHON." >&2
  exit 1
fi

echo "milvus-lite: installing $(grep -E '^(milvus-lite|pymilvus)==' "$requirements" | tr '\n' ' ')into $venv"
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
"$venv/bin/milvus-lite" server --help >/dev/null
echo "$wanted" >"$venv/.requirements.sha256"
echo "milvus-lite: environment ready at $venv"
