#!/usr/bin/env bash
# Prepares the real corpus of RealCorpusIT: documents nobody on the ragstream team wrote, from packages.
#   testkit/corpus/prepare.sh        fills <repo>/.corpus (idempotent: a complete corpus is left alone)
#   en/valgrind/   the Valgrind manual as Debian ships it (/usr/share/doc/valgrind/html): HTML pages, their images, CSS
#   en/pdf/        two PDF manuals from Debian documentation packages (libtasn1, shared-mime-info)
#   ko/            Korean legal texts from the PyPI package konlpy 0.6.0 (the constitution and ten bills), its wheel
#                  checked against a pinned sha256
# Called by .ci/run and by RealCorpusIT when the corpus is missing. A document package that is not installed is taken
# with `apt-get download` (the Debian archive is reachable); PYTHON picks the interpreter for pip (default python3).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus="$root/.corpus"
python=${PYTHON:-python3}
konlpy_wheel=konlpy-0.6.0-py2.py3-none-any.whl
konlpy_sha256=0b7928059e20eb1c72f6fe65a3d12c104fae9e68173904e16beef869cf0ea590

if [ -f "$corpus/.complete" ]; then
  echo "corpus: ready at $corpus"
  exit 0
fi
rm -rf "$corpus"
mkdir -p "$corpus/en/pdf" "$corpus/ko" "$corpus/.download"

# A file or folder of a Debian package: from the installed package, or from the package downloaded and unpacked.
from_package() {
  local package=$1 path=$2 target=$3
  if [ ! -e "$path" ]; then
    local unpacked="$corpus/.download/$package"
    if [ ! -d "$unpacked" ]; then
      echo "corpus: $path is not installed; downloading the Debian package $package"
      (cd "$corpus/.download" && apt-get download "$package" >/dev/null) || {
        echo "corpus: cannot get $path: the package $package is neither installed nor downloadable (apt-get download $package)" >&2
        exit 1
      }
      dpkg-deb -x "$corpus/.download/${package}"_*.deb "$unpacked"
    fi
    path="$unpacked$path"
  fi
  cp -r "$path" "$target"
}

from_package valgrind /usr/share/doc/valgrind/html "$corpus/en/valgrind"
from_package libtasn1-doc /usr/share/doc/libtasn1-doc/libtasn1.pdf "$corpus/en/pdf/"
from_package shared-mime-info /usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf "$corpus/en/pdf/"

echo "corpus: downloading $konlpy_wheel from PyPI for its Korean texts"
"$python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  -d "$corpus/.download" konlpy==0.6.0
echo "$konlpy_sha256  $corpus/.download/$konlpy_wheel" | sha256sum --check --quiet
"$python" - "$corpus/.download/$konlpy_wheel" "$corpus/ko" <<'PY'
import sys, zipfile, os
wheel, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name.startswith(("konlpy/data/corpus/kolaw/", "konlpy/data/corpus/kobill/")) and name.endswith(".txt"):
            out = os.path.join(target, os.path.basename(os.path.dirname(name)) + "-" + os.path.basename(name))
            with archive.open(name) as src, open(out, "wb") as dst:
                dst.write(src.read())
PY
rm -rf "$corpus/.download"
touch "$corpus/.complete"
echo "corpus: ready at $corpus ($(find "$corpus" -type f ! -name .complete | wc -l) files)"
