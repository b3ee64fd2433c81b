#!/usr/bin/env bash
# squall's one entry point for set-up, build, demo and tests.
#   ./dev.sh demo    install what is missing, build, start the demo target and load-test it
#   ./dev.sh test    install what is missing, build, run every test (also under ASan/UBSan)
#   ./dev.sh build   install what is missing and build (build/src/squall)
#   ./dev.sh fuzz [SECONDS]  run the libFuzzer targets for SECONDS each (default 60)
#   ./dev.sh bench   squall vs wrk against nginx, pinned to separate cores (see docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(cmake ninja-build g++ clang clang-format libclang-rt-14-dev libssl-dev zlib1g-dev nlohmann-json3-dev libyaml-cpp-dev esbuild libarchive-dev libgumbo-dev
              libboost-context-dev libgtest-dev libgmock-dev libbenchmark-dev python3.11-dev pybind11-dev python3-greenlet python3-gevent libsnappy-dev
              libuv1 libc-ares2 libicu72 libnghttp2-14 libbrotli1 libssl3 zlib1g)  # the last line: libnode108's runtime
# Servers and the browser the tests run against (streaming outputs, the report and the dashboard).
TEST_PACKAGES=(prometheus influxdb chromium chromium-driver python3-jsonschema)
BENCH_PACKAGES=(wrk nginx-light time util-linux python3 python3-locust valgrind)
# V8 comes from Debian's libnode108/libnode-dev, unpacked into a project-local prefix: installing
# libnode-dev conflicts with Node.js packages from other vendors, and the image's /usr/include/node
# may belong to another V8 (see docs/javascript.md).
# The libFuzzer targets in fuzz/ (each also has a seed folder in fuzz/seeds/).
FUZZ_TARGETS=(fuzz_http1_response fuzz_http1_request fuzz_url fuzz_content_decoder fuzz_json fuzz_thresholds
              fuzz_artillery_template fuzz_histogram)
LIBNODE_PREFIX=.deps/libnode
ACORN_PREFIX=.deps/node-acorn  # acorn, the JavaScript parser squall builds in (docs/javascript.md)

install_deps() {  # install_deps [EXTRA_PACKAGES...]
  local missing=()
  for p in "${APT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "== installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  install_unpacked
}

# Debian packages unpacked into a project-local prefix, not installed: libnode108 and libnode-dev
# conflict with vendor Node.js packages, and node-acorn depends on Debian's nodejs.
unpack_debs() {  # unpack_debs PREFIX MARKER PACKAGE...   (skipped when PREFIX/MARKER exists)
  local prefix=$1 marker=$2 tmp sudo=""
  shift 2
  [ -e "$prefix/$marker" ] && return
  echo "== unpacking $* into $prefix"
  [ "$(id -u)" = 0 ] || sudo="sudo"
  tmp=$(mktemp -d)
  chmod 777 "$tmp"  # apt-get download runs as _apt when it can
  (cd "$tmp" && apt-get download -qq "$@" 2>/dev/null) ||
    { $sudo apt-get update -qq && (cd "$tmp" && apt-get download -qq "$@"); }
  mkdir -p "$prefix"
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$prefix"; done
  rm -rf "$tmp"
}

install_unpacked() {
  unpack_debs "$LIBNODE_PREFIX" usr/lib/x86_64-linux-gnu/libnode.so.108 libnode108 libnode-dev
  unpack_debs "$ACORN_PREFIX" usr/share/nodejs/acorn/dist/acorn.js node-acorn
}

build() {  # build DIR [cmake args...]   (NINJA_TARGETS: only these targets)
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DSQUALL_WERROR=ON "$@" >/dev/null
  # shellcheck disable=SC2086
  ninja -C "$dir" ${NINJA_TARGETS:-}
}

cmd=${1:-}
case "$cmd" in
  demo)
    install_deps
    build build
    shift
    exec ./build/src/squall demo "$@"
    ;;
  test)
    install_deps "${TEST_PACKAGES[@]}"
    build build
    (cd build && ctest --output-on-failure --timeout 300 -j2)
    echo "== unit and integration tests again under AddressSanitizer + UBSan"
    build build-asan -DCMAKE_BUILD_TYPE=Debug -DSQUALL_SANITIZE=ON -DSQUALL_BENCH=OFF
    (supp="$PWD/tests/lsan.supp" asupp="$PWD/tests/asan.supp" && cd build-asan && ASAN_OPTIONS="detect_leaks=1:suppressions=$asupp" LSAN_OPTIONS="suppressions=$supp" UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure --timeout 600 -j2)
    ;;
  build)
    install_deps
    build build
    ;;
  fuzz)
    install_deps
    # Only the fuzz targets: the rest is built and tested by `test`.
    NINJA_TARGETS="${FUZZ_TARGETS[*]}" CC=clang CXX=clang++ build build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSQUALL_FUZZ=ON -DSQUALL_BENCH=OFF
    seconds=${2:-60}
    for target in "${FUZZ_TARGETS[@]}"; do
      echo "== $target for ${seconds}s"
      mkdir -p "build-fuzz/corpus/$target"
      "./build-fuzz/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 "build-fuzz/corpus/$target" "fuzz/seeds/$target"
    done
    ;;
  bench)
    install_deps "${BENCH_PACKAGES[@]}"
    build build
    exec bench/compare_wrk.sh "${@:2}"
    ;;
  *)
    sed -n '2,8p' "$0"
    exit 2
    ;;
esac
