#!/usr/bin/env python3
"""Rejects `co_await` directly in an if/while/for condition.

    tools/check_co_await.py ROOT

g++ 12.2 (Debian 12's compiler) miscompiles a coroutine whose if/while condition is a co_await
expression (`if (co_await f())`, `if (!co_await f())`, `while (co_await f())`): the frame layout
the ramp function builds and the one the resume function reads disagree, and the body never
runs. A declaration in the condition (`if (const auto ec = co_await f())`) and a separate
statement (`const bool b = co_await f(); if (b)`) compile correctly. This check keeps the bad
form out of src/, include/, tests/, examples/, bench/ and tools/.
"""

import os
import re
import sys

BAD = re.compile(r"\b(if|while)\s*\(\s*[!(\s]*co_await\b")


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    root = argv[1]
    found = []
    for top in ("src", "include", "tests", "examples", "bench", "tools"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in names:
                if not name.endswith((".cpp", ".hpp", ".h", ".cc")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    for n, line in enumerate(fh, 1):
                        code = line.split("//", 1)[0]
                        if BAD.search(code):
                            found.append(f"{os.path.relpath(path, root)}:{n}: {line.strip()}")
    for f in found:
        print(f"co_await in a condition (g++ 12 miscompiles it; await into a variable first): {f}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
