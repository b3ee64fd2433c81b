#!/usr/bin/env bash
# Fails when a C++ file of the project (src/, tests/, bench/, fuzz/) is not as clang-format
# (.clang-format) writes it, naming the files. `tools/check_format.sh --fix` rewrites them.
# `tools/check_format.sh --self-test` proves on a made-up file that the check can fail.
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=${CLANG_FORMAT:-clang-format}
command -v "$clang_format" >/dev/null || { echo "clang-format not found (./dev.sh installs it)"; exit 1; }

if [ "${1:-}" = "--self-test" ]; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  cp .clang-format "$dir/"
  printf 'int  main( ){return 0;}\n' > "$dir/bad.cc"
  if (cd "$dir" && "$clang_format" --dry-run --Werror bad.cc 2>/dev/null); then
    echo "self-test FAILED: a badly formatted file passed"
    exit 1
  fi
  echo "self-test passed"
  exit 0
fi

mapfile -t files < <(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'fuzz/*.cc' 'fuzz/*.h')
if [ "${1:-}" = "--fix" ]; then
  "$clang_format" -i "${files[@]}"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  "$clang_format" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]})); then
  printf 'not clang-formatted (tools/check_format.sh --fix): %s\n' "${bad[@]}"
  exit 1
fi
echo "${#files[@]} files formatted"
