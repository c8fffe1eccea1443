#!/bin/sh
# Checks the C++ sources against .clang-format (clang-format 14, Debian package clang-format) without changing them;
# lists each file that would change and exits non-zero if any would.
#   sh scripts/check-format.sh            check
#   sh scripts/check-format.sh --fix      reformat the files in place
# Files: deps/, binding/, test/engine/, test/fuzz/ and bench/kernels.cc (the C++ files git knows).
set -eu
cd "$(dirname "$0")/.."

CLANG_FORMAT="${CLANG_FORMAT:-clang-format}"
if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
  echo "check-format: missing $CLANG_FORMAT: apt-get install clang-format (or sh scripts/setup.sh)" >&2
  exit 1
fi

files=$(git ls-files 'deps/*.cc' 'deps/*.h' 'binding/*.cc' 'binding/*.h' 'test/engine/*.cc' 'test/engine/*.h' \
  'test/fuzz/*.cc' 'bench/*.cc')
if [ "${1:-}" = --fix ]; then
  # $files holds paths without spaces: split on purpose.
  # shellcheck disable=SC2086
  "$CLANG_FORMAT" -i --style=file $files
  exit 0
fi

status=0
for f in $files; do
  changed=$("$CLANG_FORMAT" --style=file "$f" | diff "$f" - | grep -c '^>' || true)
  if [ "$changed" -ne 0 ]; then
    echo "check-format: $f: $changed lines would change"
    status=1
  fi
done
if [ "$status" -eq 0 ]; then
  echo "check-format: every file matches .clang-format"
else
  echo "check-format: run \`sh scripts/check-format.sh --fix\` (or clang-format -i) to reformat"
fi
exit "$status"
