#!/usr/bin/env bash
# Installs a built pgring tree into a staging directory (meson install --destdir) and builds
# tests/install/consumer.cpp against the staged tree only:
#   1. the installed files: every header of include/pgring, the shared library with its soname
#      links, the static library, pgring.pc and the CMake package;
#   2. pkg-config, shared library:  c++ consumer.cpp $(pkg-config --cflags --libs pgring)
#   3. pkg-config, static library:  the --static flags, with libpgring.a instead of the .so
#   4. CMake: find_package(pgring) with pgring::pgring and pgring::pgring_static
# and runs every consumer, which exits non-zero when one of its checks fails.
#
# The staged prefix differs from the configured one, so this also proves that the CMake package
# is relocatable; pkg-config is pointed at it with PKG_CONFIG_SYSROOT_DIR, as for any staged tree.
#
# Usage: tests/install/run_install_test.sh BUILD_DIR   (BUILD_DIR built: the install does not
# rebuild). Exit status: 0 pass, 1 fail, 77 skip (cmake, pkg-config or readelf missing, or a
# -Dfuzz=true build, whose objects need libFuzzer to link). Leaves nothing behind.

set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1/build.ninja" ]; then
    echo "usage: $0 BUILD_DIR (a configured and built meson build directory)" >&2
    exit 1
fi
build=$(cd "$1" && pwd)
source_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

for tool in cmake pkg-config readelf python3; do
    if ! command -v "$tool" > /dev/null; then
        echo "SKIP: $tool is not installed"
        exit 77
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgring-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

failures=0
pass() { echo "  ok:   $*"; }
fail() {
    echo "  FAIL: $*"
    failures=$((failures + 1))
}
# check OK_TEXT FAIL_TEXT COMMAND...: passes when COMMAND succeeds.
check() {
    local ok=$1 bad=$2
    shift 2
    if "$@"; then pass "$ok"; else fail "$bad"; fi
}
# contains LIST WORD: WORD is one of the space-separated words of LIST.
contains() { [[ " $1 " == *" $2 "* ]]; }
# Ends the test when a step that later steps depend on failed.
stop_if_failed() {
    if [ "$failures" -ne 0 ]; then
        echo "FAILED: $failures check(s); stopping at: $*"
        exit 1
    fi
}

prefix="" libdir="" includedir="" version="" fuzz="" compiler=() instrument=()
# What the build directory was configured with: paths, version, compiler and the instrumentation
# flags (sanitizers, coverage) that a program linking the library must also use.
eval "$(meson introspect "$build" --buildoptions --projectinfo --targets | python3 -c '
import json, shlex, sys
intro = json.load(sys.stdin)
opts = {o["name"]: o["value"] for o in intro["buildoptions"]}
shared = [t for t in intro["targets"] if t["name"] == "pgring" and t["type"] == "shared library"]
compiler = shared[0]["target_sources"][0]["compiler"] if shared else ["c++"]
flags = []
if opts.get("b_sanitize", "none") != "none":
    flags += ["-fsanitize=" + opts["b_sanitize"], "-fno-omit-frame-pointer"]
if opts.get("b_coverage", False):
    flags += ["--coverage"]
values = {
    "prefix": opts["prefix"], "libdir": opts["libdir"], "includedir": opts["includedir"],
    "version": intro["projectinfo"]["version"], "fuzz": str(opts.get("fuzz", False)).lower(),
}
for k, v in values.items():
    print("%s=%s" % (k, shlex.quote(v)))
print("compiler=(%s)" % " ".join(shlex.quote(c) for c in compiler))
print("instrument=(%s)" % " ".join(shlex.quote(f) for f in flags))
')"

if [ "$fuzz" = true ]; then
    echo "SKIP: -Dfuzz=true objects need libFuzzer to link; run this test on a normal build"
    exit 77
fi

# meson stores libdir/includedir relative to the prefix unless they lie outside it.
abs_dir() { case "$1" in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac; }
stage="$tmp/stage"
staged_prefix="$stage$prefix"
staged_libdir="$stage$(abs_dir "$libdir")"
staged_includedir="$stage$(abs_dir "$includedir")"
major=${version%%.*}

echo "== meson install --destdir (prefix $prefix, version $version, compiler ${compiler[*]})"
if ! meson install -C "$build" --no-rebuild --skip-subprojects --quiet --destdir "$stage" \
        > "$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"
    fail "meson install (is $build built? the install does not rebuild)"
fi
stop_if_failed "meson install"

echo "== installed files"
header_count=0
failures_before=$failures
while IFS= read -r -d '' header; do
    rel=${header#"$source_root/include/"}
    header_count=$((header_count + 1))
    if [ ! -f "$staged_includedir/$rel" ]; then
        fail "$rel is not installed (add it to include/pgring/meson.build)"
    elif ! cmp -s "$header" "$staged_includedir/$rel"; then
        fail "installed $rel differs from the source"
    fi
done < <(find "$source_root/include/pgring" -name '*.hpp' -print0)
if [ "$header_count" -eq 0 ]; then
    fail "no headers found under $source_root/include/pgring"
elif [ "$failures" -eq "$failures_before" ]; then
    pass "$header_count headers under $(abs_dir "$includedir")/pgring match include/pgring"
fi

soname=libpgring.so.$major
for f in "libpgring.so.$version" libpgring.a pkgconfig/pgring.pc cmake/pgring/pgringConfig.cmake \
        cmake/pgring/pgringConfigVersion.cmake; do
    check "$f" "$f is not installed" [ -f "$staged_libdir/$f" ]
done
for link in libpgring.so "$soname"; do
    if [ -L "$staged_libdir/$link" ] && [ -f "$staged_libdir/$link" ]; then
        pass "$link -> $(readlink "$staged_libdir/$link")"
    else
        fail "$link is not a symlink to the library"
    fi
done
actual_soname=$(readelf -d "$staged_libdir/libpgring.so.$version" 2> /dev/null \
    | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
check "SONAME $soname" "SONAME is '$actual_soname', want $soname" [ "$actual_soname" = "$soname" ]
stop_if_failed "installed files"

# Each installed header compiles alone with only the installed tree on the include path (catches
# a public header that includes a header that is not installed).
failures_before=$failures
for header in $(cd "$staged_includedir" && find pgring -name '*.hpp' | sort); do
    if ! echo "#include <$header>" | "${compiler[@]}" -std=c++20 -fsyntax-only -x c++ \
            -I"$staged_includedir" - 2> "$tmp/header.log"; then
        cat "$tmp/header.log"
        fail "installed <$header> does not compile on its own"
    fi
done
if [ "$failures" -eq "$failures_before" ]; then
    pass "every installed header compiles on its own against the installed tree"
fi

# The library a binary loads, as the dynamic loader resolves it (empty when not linked).
loaded_pgring() { env "${@:2}" ldd "$1" | sed -n 's/^[[:space:]]*libpgring[^ ]* => \([^ ]*\).*/\1/p'; }

# Runs a consumer binary with optional VAR=value settings; checks its exit status.
run_consumer() {
    local name=$1 binary=$2
    shift 2
    if env "$@" "$binary" > "$tmp/$name.out" 2>&1; then
        pass "$name runs and passes its checks"
    else
        cat "$tmp/$name.out"
        fail "$name failed"
    fi
}

echo "== pkg-config"
export PKG_CONFIG_PATH="$staged_libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_SYSROOT_DIR="$stage"
if [ "$(pkg-config --variable=pcfiledir pgring)" = "$staged_libdir/pkgconfig" ]; then
    pass "pkg-config finds the staged pgring.pc"
else
    fail "pkg-config finds '$(pkg-config --variable=pcfiledir pgring 2>&1)', not the staged pgring.pc"
fi
stop_if_failed "pkg-config lookup"
modversion=$(pkg-config --modversion pgring)
check "version $version" "pkg-config --modversion: $modversion" [ "$modversion" = "$version" ]
cflags=$(pkg-config --cflags pgring) || fail "pkg-config --cflags pgring"
libs=$(pkg-config --libs pgring) || fail "pkg-config --libs pgring"
static_libs=$(pkg-config --static --libs pgring) || fail "pkg-config --static --libs pgring"
stop_if_failed "pkg-config flags (are liburing, libssl and libcrypto .pc files installed?)"
requires_private=$(pkg-config --print-requires-private pgring | awk '{print $1}' | LC_ALL=C sort | tr '\n' ' ')
echo "  Cflags: $cflags"
echo "  Libs: $libs"
echo "  Libs (--static): $static_libs"
check "Cflags has the staged include dir" "Cflags lacks -I$staged_includedir" \
    contains "$cflags" "-I$staged_includedir"
check "Cflags has -std=c++20" "Cflags lacks -std=c++20" contains "$cflags" -std=c++20
check "Libs has -lpgring" "Libs lacks -lpgring" contains "$libs" -lpgring
check "Requires.private: $requires_private" \
    "Requires.private is '$requires_private', want libcrypto libssl liburing" \
    [ "$requires_private" = "libcrypto libssl liburing " ]
for flag in -pthread -luring -lssl -lcrypto; do
    check "--static Libs has $flag" "--static Libs lacks $flag" contains "$static_libs" "$flag"
done

# shellcheck disable=SC2086  # pkg-config output is a list of flags
if "${compiler[@]}" "${instrument[@]}" "$source_root/tests/install/consumer.cpp" -o "$tmp/consumer_pc_shared" \
        $cflags $libs 2> "$tmp/build.log"; then
    pass "consumer builds with pkg-config against the shared library"
    if [ "$(loaded_pgring "$tmp/consumer_pc_shared" LD_LIBRARY_PATH="$staged_libdir")" \
            = "$staged_libdir/$soname" ]; then
        pass "it loads the staged $soname"
    else
        fail "it does not load the staged $soname: $(env LD_LIBRARY_PATH="$staged_libdir" ldd "$tmp/consumer_pc_shared")"
    fi
    run_consumer consumer_pc_shared "$tmp/consumer_pc_shared" LD_LIBRARY_PATH="$staged_libdir"
else
    cat "$tmp/build.log"
    fail "consumer does not build with pkg-config (shared)"
fi

# -lpgring picks the .so when both exist; a static link names the archive (GNU ld's -l:file).
# shellcheck disable=SC2086
if "${compiler[@]}" "${instrument[@]}" "$source_root/tests/install/consumer.cpp" -o "$tmp/consumer_pc_static" \
        $cflags ${static_libs//-lpgring/-l:libpgring.a} 2> "$tmp/build.log"; then
    pass "consumer builds with pkg-config --static against libpgring.a"
    if [ -z "$(loaded_pgring "$tmp/consumer_pc_static")" ]; then
        pass "it does not need libpgring.so"
    else
        fail "the static consumer needs libpgring.so"
    fi
    run_consumer consumer_pc_static "$tmp/consumer_pc_static"
else
    cat "$tmp/build.log"
    fail "consumer does not build with pkg-config --static"
fi
unset PKG_CONFIG_SYSROOT_DIR

echo "== CMake"
cmake_args=(-S "$source_root/tests/install" -B "$tmp/cmake-build"
    -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_PREFIX_PATH="$staged_prefix"
    -DCMAKE_CXX_COMPILER="${compiler[-1]}"
    -DCMAKE_CXX_FLAGS="${instrument[*]}"
    -DPGRING_EXPECTED_VERSION="$version"
    -DPGRING_EXPECTED_DIR="$staged_libdir/cmake/pgring")
if [ "${#compiler[@]}" -gt 1 ]; then
    launcher="${compiler[*]:0:${#compiler[@]}-1}"
    cmake_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER="${launcher// /;}")
fi
if command -v ninja > /dev/null; then
    cmake_args+=(-G Ninja)
fi
if cmake "${cmake_args[@]}" > "$tmp/cmake.log" 2>&1 \
        && cmake --build "$tmp/cmake-build" -j 2 >> "$tmp/cmake.log" 2>&1; then
    grep -E '^-- (pgring|find_package)' "$tmp/cmake.log" | sed 's/^-- /  ok:   /'
    pass "consumer builds with CMake against pgring::pgring and pgring::pgring_static"
    if [ "$(loaded_pgring "$tmp/cmake-build/consumer_cmake_shared")" = "$staged_libdir/$soname" ]; then
        pass "consumer_cmake_shared loads the staged $soname (through its build RPATH)"
    else
        fail "consumer_cmake_shared does not load the staged $soname: $(ldd "$tmp/cmake-build/consumer_cmake_shared")"
    fi
    if [ -z "$(loaded_pgring "$tmp/cmake-build/consumer_cmake_static")" ]; then
        pass "consumer_cmake_static does not need libpgring.so"
    else
        fail "consumer_cmake_static needs libpgring.so"
    fi
    run_consumer consumer_cmake_shared "$tmp/cmake-build/consumer_cmake_shared"
    run_consumer consumer_cmake_static "$tmp/cmake-build/consumer_cmake_static"
else
    cat "$tmp/cmake.log"
    fail "consumer does not build with CMake"
fi

if [ "$failures" -ne 0 ]; then
    echo "FAILED: $failures check(s)"
    exit 1
fi
echo "PASSED"
