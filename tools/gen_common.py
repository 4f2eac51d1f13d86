"""What the table generators (gen_sqlstate.py, gen_pg_types.py) share: C++ keywords for naming,
the error exit, and an idempotent file write (a file is rewritten only when its text changes)."""

import os
import sys

CPP_KEYWORDS = frozenset("""
    alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
    char32_t class compl concept const consteval constexpr constinit const_cast continue co_await
    co_return co_yield decltype default delete do double dynamic_cast else enum explicit export
    extern false float for friend goto if inline int long mutable namespace new noexcept not not_eq
    nullptr operator or or_eq private protected public register reinterpret_cast requires return
    short signed sizeof static static_assert static_cast struct switch template this thread_local
    throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while
    xor xor_eq final override import module
""".split())


def fail(msg):
    """Prints `<script>: error: msg` to stderr and exits 1."""
    sys.stderr.write("%s: error: %s\n" % (os.path.basename(sys.argv[0]), msg))
    sys.exit(1)


def write_if_changed(path, text):
    """Writes `text` to `path` atomically unless it already holds exactly that; True if written."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            if f.read() == text:
                return False
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)
    return True
