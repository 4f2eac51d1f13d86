#!/usr/bin/env python3
"""Checks the progress line of pgring's \\copy: drawn on stderr when stderr is a terminal, never
otherwise.

Each check runs pgring once with stderr on a pseudo-terminal (python's pty module) and once with
stderr on a pipe. With the terminal, stderr must carry `COPY: N rows, ... MB` after a `\\r` and end
with the line erased (blanks, then `\\r`); with the pipe, stderr must be empty. Stdout carries the
`COPY n` tag in both runs. The progress line is drawn as soon as the first data moves, so the
checks do not depend on the speed of the copy. A copy whose data goes to stdout on the same
terminal draws no progress line (it would be mixed into the data).

The server is a throwaway cluster from tools/pgcluster unless PGRING_TEST_DSN (a postgresql:// URI)
names one. Usage: check_progress.py [--pgring PATH]
"""

import argparse
import os
import pty
import shlex
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TIMEOUT = 60
ROWS = 50000


def start_cluster(workdir):
    out = subprocess.run([str(ROOT / "tools" / "pgcluster"), "start", workdir], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"pgcluster start failed:\n{out.stderr}")
    settings = {}
    for line in out.stdout.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            k, _, v = words[1].partition("=")
            settings[k] = v
    return {"PGHOST": settings.get("PGRING_TEST_HOST", "127.0.0.1"), "PGPORT": settings["PGRING_TEST_PORT"],
            "PGUSER": "postgres", "PGDATABASE": "pgring_test"}


def conn_from_dsn(dsn):
    u = urllib.parse.urlsplit(dsn)
    conn = {"PGHOST": u.hostname or "127.0.0.1", "PGPORT": str(u.port or 5432),
            "PGUSER": urllib.parse.unquote(u.username or "postgres"),
            "PGDATABASE": urllib.parse.unquote(u.path.lstrip("/")) or "postgres"}
    if u.password:
        conn["PGPASSWORD"] = urllib.parse.unquote(u.password)
    return conn


def read_all(fd):
    data = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: every writer of the terminal has closed it
            return data
        if not chunk:
            return data
        data += chunk


def run_on_terminal(argv, env, stdout_on_terminal=False):
    """Runs argv with stderr (and optionally stdout) on a new pseudo-terminal; returns
    (exit code, stdout bytes or None, terminal bytes)."""
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                             stdout=slave if stdout_on_terminal else subprocess.PIPE, stderr=slave)
    finally:
        os.close(slave)
    try:
        if stdout_on_terminal:
            out = None
            terminal = read_all(master)
        else:
            # The tag is tiny: reading stdout after the terminal cannot block the child.
            terminal = read_all(master)
            out = p.stdout.read()
        rc = p.wait(timeout=TIMEOUT)
    finally:
        os.close(master)
        if p.stdout:
            p.stdout.close()
    return rc, out, terminal.replace(b"\r\n", b"\n")


def run_on_pipe(argv, env):
    p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def check(name, ok, detail, failures):
    print(("ok   " if ok else "FAIL ") + name)
    if not ok:
        failures.append(name)
        print("     " + detail)


def main():
    ap = argparse.ArgumentParser(description="progress line of pgring's \\copy")
    ap.add_argument("--pgring", default=str(ROOT / "build" / "tools" / "pgring"))
    args = ap.parse_args()
    if not os.access(args.pgring, os.X_OK):
        print(f"check_progress: pgring executable not found: {args.pgring}", file=sys.stderr)
        return 2

    workdir = None
    datadir = tempfile.mkdtemp(prefix="pgring-progress-")
    try:
        dsn = os.environ.get("PGRING_TEST_DSN")
        if dsn:
            conn = conn_from_dsn(dsn)
        else:
            workdir = tempfile.mkdtemp(prefix="pgring-progress-cluster-")
            os.chmod(workdir, 0o755)
            conn = start_cluster(workdir)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(conn)
        env["LC_ALL"] = "C"
        data = os.path.join(datadir, "rows.txt")
        query = f"(SELECT g, repeat('x', 40) FROM generate_series(1, {ROWS}) g)"
        base = [args.pgring, "-X", "-At"]
        copy_out = base + ["-c", f"\\copy {query} to '{data}'"]
        copy_in = base + ["-c", "CREATE TEMP TABLE progress_t (a int, b text)",
                          "-c", f"\\copy progress_t from '{data}'", "-c", "SELECT count(*) FROM progress_t"]
        to_stdout = base + ["-c", f"\\copy {query} to stdout"]
        failures = []

        for name, argv, tag in (("to a file", copy_out, f"COPY {ROWS}\n".encode()),
                                ("from a file", copy_in, f"CREATE TABLE\nCOPY {ROWS}\n{ROWS}\n".encode())):
            rc, out, terminal = run_on_terminal(argv, env)
            check(f"{name}, stderr on a terminal: exit 0 and the tag", rc == 0 and out == tag,
                  f"exit {rc}, stdout {out!r}, terminal {terminal[-300:]!r}", failures)
            check(f"{name}, stderr on a terminal: a progress line",
                  b"\rCOPY: " in terminal and b" rows, " in terminal and b" MB" in terminal,
                  f"terminal {terminal[:300]!r}", failures)
            check(f"{name}, stderr on a terminal: the line is erased at the end",
                  terminal.endswith(b"\r") and terminal.rstrip(b"\r").endswith(b" "),
                  f"terminal ends {terminal[-80:]!r}", failures)
            rc, out, err = run_on_pipe(argv, env)
            check(f"{name}, stderr on a pipe: exit 0, the tag, nothing on stderr",
                  rc == 0 and out == tag and err == b"", f"exit {rc}, stdout {out!r}, stderr {err[:300]!r}", failures)

        rc, _, terminal = run_on_terminal(to_stdout, env, stdout_on_terminal=True)
        check("to stdout on the same terminal: the data, no progress line",
              rc == 0 and terminal.startswith(b"1\txxxx") and b"COPY: " not in terminal,
              f"exit {rc}, terminal {terminal[:200]!r}", failures)

        print(f"progress: {len(failures)} failed")
        return 1 if failures else 0
    finally:
        if workdir:
            subprocess.run([str(ROOT / "tools" / "pgcluster"), "stop", workdir], capture_output=True)
        for f in Path(datadir).iterdir():
            f.unlink()
        os.rmdir(datadir)


if __name__ == "__main__":
    sys.exit(main())
