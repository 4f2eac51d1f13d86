#!/usr/bin/env python3
"""Checks the include rules of STYLE.md section 1 ("Allowed dependencies").

    tools/check_layering.py ROOT        check the tree at ROOT; exit 1 and list every violation
    tools/check_layering.py --self-test prove the checker catches violations (temp tree)

Every #include of every .hpp/.cpp/.h/.cc/.ipp file under src/ and include/pgring/ is
classified:

  std       a C++ standard library header or a C standard header (<cstdint>, <stdint.h>)
  public    <pgring/...> (or "pgring/...")
  src:X     a private header of folder X: a quoted include rooted at src/ ("wire/framing.hpp"),
            or relative to the including file's folder
  liburing  <liburing.h>, <liburing/...>
  libcrypto / libssl   <openssl/ssl.h> and <openssl/tls1.h> etc. are libssl, other <openssl/...>
            libcrypto
  coroutine <coroutine>
  system    any other angle include (<sys/socket.h>, <unistd.h>, <valgrind/memcheck.h>)

and checked against the table:

  src/wire       std, wire/, pgring/{error,sqlstate,oid,diagnostics}.hpp; libcrypto only in
                 scram.* and md5.*; nothing else (no liburing, <coroutine>, system headers such
                 as <sys/socket.h>, libssl, other src/ folders, other public headers)
  src/codec      std, codec/, wire/byte_order.hpp, wire/write_buffer.hpp, public headers (the
                 codec customisation point and the value types it encodes); nothing else
  src/text       std, text/, codec/, public headers (rendering values in PostgreSQL's text
                 output form); nothing else
  src/tls        std, tls/, libssl, libcrypto, public headers; not liburing, <coroutine>, any
                 other src/ folder
  src/ring       std, ring/, liburing, system headers, public headers; not wire/, codec/, tls/,
                 driver/, client/, <coroutine>, OpenSSL
  src/driver     anything but client/
  src/client     std, client/, driver/, codec/, public headers, system headers; not liburing,
                 OpenSSL, wire/, ring/, tls/ (reach them through driver/)
  src/error      std, error/, public headers; nothing else
  include/pgring std, public headers (detail/ included), system headers; not liburing,
                 OpenSSL, any src/ folder; <coroutine> only in task.hpp, loop.hpp,
                 connection.hpp, blocking.hpp and detail/
"""

import os
import re
import sys
import tempfile

CXX_STD = set("""
algorithm any array atomic barrier bit bitset cassert cctype cerrno cfenv cfloat charconv chrono
cinttypes climits clocale cmath codecvt compare complex concepts condition_variable coroutine
csetjmp csignal cstdarg cstddef cstdint cstdio cstdlib cstring ctime cuchar cwchar cwctype deque
exception execution filesystem format forward_list fstream functional future initializer_list
iomanip ios iosfwd iostream istream iterator latch limits list locale map memory memory_resource
mutex new numbers numeric optional ostream queue random ranges ratio regex scoped_allocator
semaphore set shared_mutex source_location span sstream stack stdexcept stop_token streambuf
string string_view syncstream system_error thread tuple type_traits typeindex typeinfo
unordered_map unordered_set utility valarray variant vector version
""".split())

C_STD = set("""
assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h limits.h locale.h math.h
setjmp.h signal.h stdalign.h stdarg.h stdatomic.h stdbool.h stddef.h stdint.h stdio.h stdlib.h
stdnoreturn.h string.h tgmath.h threads.h time.h uchar.h wchar.h wctype.h
""".split())

LIBSSL = {"ssl.h", "ssl2.h", "ssl3.h", "tls1.h", "dtls1.h", "srtp.h", "sslerr.h"}

SRC_FOLDERS = ["wire", "codec", "text", "tls", "ring", "driver", "client", "error"]

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')

WIRE_PUBLIC = {"error.hpp", "sqlstate.hpp", "oid.hpp", "diagnostics.hpp", "detail/byte_order.hpp"}
COROUTINE_PUBLIC = {"task.hpp", "loop.hpp", "connection.hpp", "blocking.hpp"}


def strip_comments(text):
    """Removes /* */ and // comments, keeping line numbers."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text[i] == '"' and not _in_include(text, i):
            # skip string literals so "/*" inside them is not a comment
            j = i + 1
            while j < n and text[j] != '"' and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _in_include(text, i):
    line_start = text.rfind("\n", 0, i) + 1
    return re.match(r"\s*#\s*include\s*$", text[line_start:i]) is not None


def classify(kind, name, file_rel, root):
    """Returns (category, detail) for one include of file_rel (a path relative to root)."""
    if kind == "<":
        if name == "coroutine":
            return "coroutine", name
        if name in CXX_STD or name in C_STD:
            return "std", name
        if name.startswith("pgring/"):
            return "public", name[len("pgring/"):]
        if name == "liburing.h" or name.startswith("liburing/"):
            return "liburing", name
        if name.startswith("openssl/"):
            return ("libssl" if name[len("openssl/"):] in LIBSSL else "libcrypto"), name
        first = name.split("/", 1)[0]
        if first in SRC_FOLDERS and "/" in name:
            return "src:" + first, name
        return "system", name
    # quoted
    if name.startswith("pgring/"):
        return "public", name[len("pgring/"):]
    here = os.path.dirname(file_rel)
    if os.path.exists(os.path.join(root, here, name)) and here.startswith("src/"):
        target = os.path.normpath(os.path.join(here, name))
        parts = target.split(os.sep)
        if len(parts) >= 3 and parts[0] == "src":
            return "src:" + parts[1], target
    first = name.split("/", 1)[0]
    if first in SRC_FOLDERS and "/" in name:
        return "src:" + first, name
    if os.path.exists(os.path.join(root, "src", name)):
        return "src:?", name
    if file_rel.startswith("include/pgring/"):
        return "public", name
    return "unknown", name


def check_include(area, rel, cat, detail):
    """Returns a reason string if the include of `detail` (category `cat`) by file `rel` is not
    allowed, else None."""
    base = rel.rsplit("/", 1)[-1]
    if area == "wire":
        if cat == "std":
            return None
        if cat == "src:wire":
            return None
        if cat == "public":
            if detail in WIRE_PUBLIC:
                return None
            return "src/wire may include only pgring/{error,sqlstate,oid,diagnostics,detail/byte_order}.hpp"
        if cat == "libcrypto":
            stem = base.split(".", 1)[0]
            if stem in ("scram", "md5"):
                return None
            return "libcrypto is allowed in src/wire only in scram.* and md5.*"
        if cat == "coroutine":
            return "src/wire must not include <coroutine> (sans-io core)"
        if cat == "liburing":
            return "src/wire must not include liburing (sans-io core)"
        if cat == "libssl":
            return "src/wire must not include libssl"
        if cat == "system":
            return "src/wire must not include system headers (sans-io core: no sockets, no I/O)"
        return "src/wire must not include other src/ folders"
    if area == "codec":
        if cat in ("std", "src:codec", "public"):
            return None
        if cat == "src:wire" and detail in ("wire/byte_order.hpp", "wire/write_buffer.hpp"):
            return None
        return ("src/codec may include only std, codec/, wire/byte_order.hpp, wire/write_buffer.hpp "
                "and public headers")
    if area == "text":
        if cat in ("std", "src:text", "src:codec", "public"):
            return None
        return "src/text may include only std, text/, codec/ and public headers"
    if area == "tls":
        if cat in ("std", "src:tls", "public", "libssl", "libcrypto"):
            return None
        if cat == "liburing":
            return "src/tls must not include liburing"
        if cat == "coroutine":
            return "src/tls must not include <coroutine>"
        if cat.startswith("src:"):
            return "src/tls must not include other src/ folders (it carries bytes, not messages)"
        return None
    if area == "ring":
        if cat in ("std", "src:ring", "public", "liburing", "system"):
            return None
        if cat == "coroutine":
            return "src/ring must not include <coroutine> (ring/ is callback-level)"
        if cat in ("libssl", "libcrypto"):
            return "src/ring must not include OpenSSL"
        return "src/ring must not include other src/ folders"
    if area == "driver":
        if cat == "src:client":
            return "src/driver must not include client/"
        return None
    if area == "client":
        if cat == "liburing":
            return "src/client must not include liburing directly"
        if cat in ("libssl", "libcrypto"):
            return "src/client must not include OpenSSL directly"
        if cat in ("src:wire", "src:ring", "src:tls", "src:error", "src:?"):
            return "src/client may include only driver/, codec/, text/ and client/ of src/"
        return None
    if area == "error":
        if cat in ("std", "src:error", "public"):
            return None
        return "src/error may include only std, error/ and public headers"
    if area == "public":
        if cat in ("std", "public", "system"):
            return None
        if cat == "coroutine":
            if base in COROUTINE_PUBLIC or "/detail/" in rel:
                return None
            return ("<coroutine> is allowed in public headers only in task/loop/connection/blocking.hpp "
                    "and detail/")
        if cat == "liburing":
            return "public headers must not include liburing"
        if cat in ("libssl", "libcrypto"):
            return "public headers must not include OpenSSL"
        if cat.startswith("src:") or cat == "unknown":
            return "public headers must not include src/ (use <pgring/...>)"
        return None
    return None


SOURCE_EXT = (".hpp", ".cpp", ".h", ".cc", ".ipp", ".hh", ".cxx")


def files_to_check(root):
    for top in ("src", os.path.join("include", "pgring")):
        base = os.path.join(root, top)
        if not os.path.isdir(base):
            continue
        for dirpath, _, names in os.walk(base):
            for name in sorted(names):
                if name.endswith(SOURCE_EXT):
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def area_of(rel):
    parts = rel.split(os.sep)
    if parts[0] == "include":
        return "public"
    if parts[0] == "src" and len(parts) >= 3 and parts[1] in SRC_FOLDERS:
        return parts[1]
    return None


def check_tree(root):
    """Returns a list of violation strings."""
    violations = []
    for rel in files_to_check(root):
        area = area_of(rel)
        if area is None:
            continue
        try:
            with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
                text = strip_comments(f.read())
        except OSError as e:
            violations.append("%s: cannot read: %s" % (rel, e))
            continue
        base = os.path.basename(rel)
        for lineno, line in enumerate(text.split("\n"), 1):
            m = INCLUDE_RE.match(line)
            if not m:
                continue
            kind, name = m.group(1), m.group(2).strip()
            cat, detail = classify(kind, name, rel, root)
            reason = check_include(area, rel.replace(os.sep, "/"), cat, detail)
            if reason:
                shown = ("<%s>" if kind == "<" else '"%s"') % name
                violations.append("%s:%d: %s: %s" % (rel.replace(os.sep, "/"), lineno, shown, reason))
    return violations


def self_test():
    cases = {
        # file: (content, expected violation count)
        "src/wire/session.cpp": ('#include "wire/session.hpp"\n#include <pgring/error.hpp>\n'
                                 "#include <cstdint>\n#include <string_view>\n", 0),
        "src/wire/session.hpp": ("#pragma once\n#include <vector>\n", 0),
        "src/wire/scram.cpp": ("#include <openssl/evp.h>\n#include <openssl/rand.h>\n", 0),
        "src/wire/md5.cpp": ("#include <openssl/evp.h>\n", 0),
        "src/wire/bad.cpp": ("#include <liburing.h>\n#include <coroutine>\n#include <sys/socket.h>\n"
                             '#include <openssl/ssl.h>\n#include <openssl/evp.h>\n#include "ring/loop.hpp"\n'
                             "#include <pgring/connection.hpp>\n"
                             "// #include <liburing.h> in a comment is fine\n"
                             "/* #include <coroutine>\n   also fine */\n", 7),
        "src/codec/int.cpp": ('#include "wire/byte_order.hpp"\n#include "wire/write_buffer.hpp"\n'
                              "#include <pgring/codec.hpp>\n#include <cstring>\n", 0),
        "src/codec/bad.cpp": ('#include "wire/session.hpp"\n#include <liburing.h>\n#include <unistd.h>\n', 3),
        "src/tls/tls.cpp": ("#include <openssl/ssl.h>\n#include <cstddef>\n", 0),
        "src/tls/bad.cpp": ('#include "wire/frontend.hpp"\n#include <liburing.h>\n', 2),
        "src/ring/loop.cpp": ('#include <liburing.h>\n#include <sys/socket.h>\n#include "ring/loop.hpp"\n', 0),
        "src/ring/loop.hpp": ("#pragma once\n", 0),
        "src/ring/bad.cpp": ("#include <coroutine>\n#include \"wire/framing.hpp\"\n", 2),
        "src/driver/conn.cpp": ('#include "wire/session.hpp"\n#include "ring/loop.hpp"\n'
                                "#include <coroutine>\n", 0),
        "src/driver/bad.cpp": ('#include "client/connection.hpp"\n', 1),
        "src/client/ok.cpp": ('#include "driver/conn.hpp"\n#include <pgring/connection.hpp>\n', 0),
        "src/client/bad.cpp": ("#include <liburing.h>\n#include <openssl/evp.h>\n", 2),
        "include/pgring/task.hpp": ("#pragma once\n#include <coroutine>\n#include <pgring/error.hpp>\n", 0),
        "include/pgring/bad.hpp": ('#pragma once\n#include <liburing.h>\n#include "wire/session.hpp"\n'
                                   "#include <openssl/ssl.h>\n#include <coroutine>\n", 4),
    }
    expected_total = sum(n for _, n in cases.values())
    with tempfile.TemporaryDirectory() as root:
        for rel, (content, _) in cases.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(content)
        violations = check_tree(root)
        ok = True
        for rel, (_, expected) in cases.items():
            got = [v for v in violations if v.startswith(rel + ":")]
            if len(got) != expected:
                ok = False
                print("self-test: %s: expected %d violations, got %d:" % (rel, expected, len(got)))
                for v in got:
                    print("    " + v)
        if len(violations) != expected_total:
            ok = False
        # The bad tree fails; a tree without the bad files passes.
        for rel in [r for r, (_, n) in cases.items() if n > 0]:
            os.remove(os.path.join(root, rel))
        clean = check_tree(root)
        if clean:
            ok = False
            print("self-test: the clean tree reported violations:")
            for v in clean:
                print("    " + v)
    if ok:
        print("check_layering self-test: passed (%d violations found as expected, clean tree passes)"
              % expected_total)
        return 0
    print("check_layering self-test: FAILED")
    return 1


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 2 or argv[1].startswith("-"):
        print("usage: check_layering.py ROOT | --self-test", file=sys.stderr)
        return 2
    root = argv[1]
    if not os.path.isdir(os.path.join(root, "src")):
        print("check_layering: %s has no src/ folder" % root, file=sys.stderr)
        return 2
    violations = check_tree(root)
    if violations:
        print("check_layering: %d include(s) break the layering rules of STYLE.md section 1:"
              % len(violations))
        for v in violations:
            print("  " + v)
        return 1
    print("check_layering: OK (%d files)" % sum(1 for _ in files_to_check(root)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
