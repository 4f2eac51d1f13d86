#!/usr/bin/env python3
"""Runs the psql-compatibility corpus: every case through psql and through pgring, byte-compared.

The corpus lives in tests/cli/corpus/*.sql (format documented at the top of each file):

  * cases are blocks of lines separated by blank lines; every non-comment line of a block is one
    `-c` argument, in order, so a block of three lines runs `-c L1 -c L2 -c L3` in one session;
  * lines starting with `--` are comments, except the directives
      -- flags: --csv ...      extra command-line flags (shell-split) for both programs
      -- expect: error         the case must make psql report an error (a stderr line `ERROR: ...`);
                               without it psql must exit 0 and report no error
      -- expect: exit N        psql must exit with status N (e.g. 2 for a connection failure)
      -- env: NAME=VALUE ...   extra environment for both programs (e.g. PGPORT=1)
      -- stderr: ignore        do not compare the first stderr line (for messages that name the
                               program, like connection failures)
      -- stdin: FILE           give both programs tests/cli/corpus/data/FILE as stdin (else
                               /dev/null)
  * a block holding only comments (the file header) is not a case;
  * tests/cli/corpus/00_setup.sql is not a case: psql runs it once (-v ON_ERROR_STOP=1) first;
  * in commands and flags, @DATA@ is the absolute path of tests/cli/corpus/data (input files) and
    @TMP@ that of an empty directory made for the case: psql runs with it, then pgring with the
    same directory emptied again, and the files each leaves there (names and bytes) must be equal
    too (for `\copy ... to 'file'`).

For each case both programs run as `PROG -X -At -v ON_ERROR_STOP=1 FLAGS -c L1 -c L2 ...` (pgring
stops at the first error, as psql does with ON_ERROR_STOP) with the same PGHOST,
PGPORT, PGUSER and PGDATABASE (every other PG* variable removed). The case passes when the
stdout bytes and the exit codes are equal and, for error cases, the first stderr lines are equal
(a leading `psql: ` / `pgring: ` program prefix is ignored). psql's own result is checked against
the case's `expect` directive too, so a case that no longer runs as intended fails.

The server is a throwaway cluster from tools/pgcluster unless PGRING_TEST_DSN is set (then its
host, port, user and database are used, and the setup file runs there). psql is --psql, else the
psql of the cluster's bin directory (or pg_config --bindir), else the one on PATH.

Usage: run_corpus.py [--pgring PATH] [--psql PATH] [--only FILE[:LINE]] [--jobs N] [--validate]
"""

import argparse
import concurrent.futures
import difflib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"
DATA = CORPUS / "data"
SETUP = "00_setup.sql"
PROCESS_TIMEOUT = 30


@dataclass
class Case:
    file: str
    line: int
    last_line: int
    commands: list
    flags: list = field(default_factory=list)
    env: dict = field(default_factory=dict)
    expect_error: bool = False
    expect_exit: int = 0
    compare_stderr: bool = True
    stdin: str = ""

    def where(self):
        return f"{self.file}:{self.line}"


class CorpusError(Exception):
    pass


def parse_directive(case, text, where):
    key, _, value = text.partition(":")
    key, value = key.strip(), value.strip()
    if key == "flags":
        case.flags += shlex.split(value)
    elif key == "expect":
        if value == "error":
            case.expect_error = True
        elif value.startswith("exit "):
            case.expect_exit = int(value[5:])
        else:
            raise CorpusError(f"{where}: unknown expect value {value!r}")
    elif key == "env":
        for item in shlex.split(value):
            name, eq, val = item.partition("=")
            if not eq:
                raise CorpusError(f"{where}: env wants NAME=VALUE, got {item!r}")
            case.env[name] = val
    elif key == "stderr":
        if value != "ignore":
            raise CorpusError(f"{where}: unknown stderr value {value!r}")
        case.compare_stderr = False
    elif key == "stdin":
        if not (DATA / value).is_file():
            raise CorpusError(f"{where}: no file {value!r} in {DATA}")
        case.stdin = value
    else:
        raise CorpusError(f"{where}: unknown directive {key!r}")


DIRECTIVES = ("flags:", "expect:", "env:", "stderr:", "stdin:")


def parse_file(path):
    """Returns the cases of one corpus file."""
    name = path.name
    cases = []
    block = []  # (line number, text)

    def flush():
        if not block:
            return
        case = Case(file=name, line=0, last_line=block[-1][0], commands=[])
        for number, text in block:
            if text.startswith("--"):
                body = text[2:].strip()
                if body.startswith(DIRECTIVES):
                    parse_directive(case, body, f"{name}:{number}")
                continue
            if case.line == 0:
                case.line = number
            case.commands.append(text)
        if case.commands:
            case.line = case.line or block[0][0]
            cases.append(case)
        elif case.flags or case.env or case.expect_error or case.expect_exit or not case.compare_stderr or case.stdin:
            raise CorpusError(f"{name}:{block[0][0]}: directives without any command")
        block.clear()

    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            text = raw.rstrip("\n")
            if text.strip() == "":
                flush()
            else:
                block.append((number, text))
    flush()
    return cases


def load_corpus(only):
    files = sorted(p for p in CORPUS.glob("*.sql") if p.name != SETUP)
    only_file, only_line = None, None
    if only:
        only_file, _, line = only.partition(":")
        only_file = Path(only_file).name
        only_line = int(line) if line else None
        if not any(p.name == only_file for p in files):
            raise CorpusError(f"--only: no corpus file {only_file}")
    cases = []
    for path in files:
        if only_file and path.name != only_file:
            continue
        for case in parse_file(path):
            if only_line is not None and not (case.line <= only_line <= case.last_line):
                continue
            cases.append(case)
    if only and not cases:
        raise CorpusError(f"--only {only}: no case there")
    return cases


def base_env(conn):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k != "PSQLRC"}
    env.update(conn)
    env["LC_ALL"] = "C"
    env["LANG"] = "C"
    return env


@dataclass
class Result:
    rc: int
    stdout: bytes
    stderr: bytes
    files: dict = field(default_factory=dict)  # what the run left in @TMP@: name -> bytes


def substitute(text, tmpdir):
    return text.replace("@DATA@", str(DATA)).replace("@TMP@", tmpdir)


def take_files(tmpdir):
    """Returns the files the run left in tmpdir (name -> bytes) and empties it."""
    files = {}
    for path in sorted(Path(tmpdir).iterdir()):
        if path.is_file() and not path.is_symlink():
            files[path.name] = path.read_bytes()
            path.unlink()
        elif path.is_dir() and not path.is_symlink():
            files[path.name] = b"[a directory]"
            shutil.rmtree(path)
        else:
            files[path.name] = b"[not a regular file]"
            path.unlink()
    return files


def run(prog, case, env, tmpdir):
    # pgring stops at the first error, as psql does with ON_ERROR_STOP=1 (the contract):
    # both run with it, so the comparison covers the same statements.
    argv = [prog, "-X", "-At", "-v", "ON_ERROR_STOP=1"] + [substitute(f, tmpdir) for f in case.flags]
    for command in case.commands:
        argv += ["-c", substitute(command, tmpdir)]
    e = dict(env)
    e.update(case.env)
    stdin = open(DATA / case.stdin, "rb") if case.stdin else subprocess.DEVNULL
    try:
        p = subprocess.run(argv, env=e, stdin=stdin, capture_output=True, timeout=PROCESS_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        return Result(-1, exc.stdout or b"", (exc.stderr or b"") + f"\n[timed out after {PROCESS_TIMEOUT}s]".encode(),
                      take_files(tmpdir))
    except OSError as exc:
        return Result(-1, b"", f"[cannot run {prog}: {exc}]".encode(), take_files(tmpdir))
    finally:
        if case.stdin:
            stdin.close()
    return Result(p.returncode, p.stdout, p.stderr, take_files(tmpdir))


def has_error(stderr):
    return any(line.startswith(b"ERROR:") for line in stderr.splitlines())


def first_line(stderr):
    lines = stderr.splitlines()
    line = lines[0] if lines else b""
    # "psql: " before a message of -c, "psql:" before the file:line: of -f.
    for prefix in (b"psql: ", b"pgring: ", b"psql:", b"pgring:"):
        if line.startswith(prefix):
            return line[len(prefix):]
    return line


def decode(data):
    return data.decode("utf-8", errors="backslashreplace")


def check_intent(case, res):
    """Returns a complaint when psql did not run the case as its directives say, else None."""
    if case.expect_exit and res.rc != case.expect_exit:
        return f"psql exited {res.rc}, the case expects exit {case.expect_exit}"
    if case.expect_error and not has_error(res.stderr):
        return f"psql reported no ERROR (exit {res.rc}), the case expects one"
    if not case.expect_error and not case.expect_exit:
        if res.rc != 0 or has_error(res.stderr):
            return f"psql failed unexpectedly (exit {res.rc})"
    return None


def run_case(case, args, env):
    """Returns (case, list of report lines); an empty list means passed."""
    tmpdir = tempfile.mkdtemp(prefix="pgring-case-")
    try:
        return compare_case(case, args, env, tmpdir)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def compare_case(case, args, env, tmpdir):
    ref = run(args.psql, case, env, tmpdir)
    report = []
    complaint = check_intent(case, ref)
    if complaint:
        report.append(f"corpus case does not run as intended: {complaint}")
        report += ["  psql stderr: " + line for line in decode(ref.stderr).splitlines()[:5]]
    if args.validate:
        return case, report
    got = run(args.pgring, case, env, tmpdir)
    if got.stdout != ref.stdout:
        diff = difflib.unified_diff(
            decode(ref.stdout).splitlines(keepends=True), decode(got.stdout).splitlines(keepends=True),
            fromfile=f"psql {case.where()}", tofile=f"pgring {case.where()}")
        text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in diff)
        report.append("stdout differs:")
        report += ["  " + line for line in text.splitlines()]
    if got.rc != ref.rc:
        report.append(f"exit code differs: psql {ref.rc}, pgring {got.rc}")
    if got.files != ref.files:
        report.append(f"files left in @TMP@ differ: psql {sorted(ref.files)}, pgring {sorted(got.files)}")
        for name in sorted(set(ref.files) & set(got.files)):
            if ref.files[name] != got.files[name]:
                report.append(f"  {name}: psql {ref.files[name][:200]!r}")
                report.append(f"  {name}: pgring {got.files[name][:200]!r}")
    error_case = case.expect_error or case.expect_exit or ref.rc != 0 or has_error(ref.stderr)
    if error_case and case.compare_stderr and first_line(got.stderr) != first_line(ref.stderr):
        report.append("first stderr line differs:")
        report.append("  psql:   " + decode(first_line(ref.stderr)))
        report.append("  pgring: " + decode(first_line(got.stderr)))
    if report and got.stderr and not error_case:
        report += ["  pgring stderr: " + line for line in decode(got.stderr).splitlines()[:5]]
    return case, report


def start_cluster(workdir):
    pgcluster = ROOT / "tools" / "pgcluster"
    out = subprocess.run([str(pgcluster), "start", workdir], capture_output=True, text=True)
    if out.returncode != 0:
        raise CorpusError(f"pgcluster start failed:\n{out.stderr}")
    settings = {}
    for line in out.stdout.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            k, _, v = words[1].partition("=")
            settings[k] = v
    if "PGRING_TEST_PORT" not in settings:
        raise CorpusError(f"pgcluster printed no port:\n{out.stdout}")
    conn = {"PGHOST": settings.get("PGRING_TEST_HOST", "127.0.0.1"), "PGPORT": settings["PGRING_TEST_PORT"],
            "PGUSER": "postgres", "PGDATABASE": "pgring_test"}
    return conn, settings.get("PGRING_TEST_BINDIR")


def find_psql(wanted, bindir):
    """Returns the psql to compare against: `wanted` if given, else the server's own bin directory's
    (Debian's /usr/bin/psql is a Perl wrapper that costs more than psql itself), else PATH's."""
    if wanted:
        found = shutil.which(wanted)
        if not found:
            raise CorpusError(f"psql not found: {wanted}")
        return found
    candidates = []
    if bindir:
        candidates.append(os.path.join(bindir, "psql"))
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(os.path.join(out.stdout.strip(), "psql"))
    except OSError:
        pass
    for c in candidates:
        if os.access(c, os.X_OK):
            return c
    found = shutil.which("psql")
    if not found:
        raise CorpusError("psql not found (give --psql)")
    return found


def conn_from_dsn(dsn):
    if "://" not in dsn:
        raise CorpusError("PGRING_TEST_DSN must be a postgresql:// URI")
    u = urllib.parse.urlsplit(dsn)
    conn = {"PGHOST": u.hostname or "127.0.0.1", "PGPORT": str(u.port or 5432),
            "PGUSER": urllib.parse.unquote(u.username or "postgres"),
            "PGDATABASE": urllib.parse.unquote(u.path.lstrip("/")) or "postgres"}
    if u.password:
        conn["PGPASSWORD"] = urllib.parse.unquote(u.password)
    return conn


def run_setup(psql, env):
    p = subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(CORPUS / SETUP)], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    if p.returncode != 0:
        raise CorpusError(f"setup {SETUP} failed (exit {p.returncode}):\n{decode(p.stderr)}")


def main():
    ap = argparse.ArgumentParser(description="psql-compatibility corpus for pgring")
    ap.add_argument("--pgring", default=str(ROOT / "build" / "tools" / "pgring"), help="pgring executable")
    ap.add_argument("--psql", help="psql executable (default: the cluster's own psql, else pg_config --bindir, else PATH)")
    ap.add_argument("--only", metavar="FILE[:LINE]", help="run only this corpus file (or its case at LINE)")
    ap.add_argument("--jobs", type=int, default=2, help="cases run in parallel (default 2)")
    ap.add_argument("--validate", action="store_true", help="run psql only and check each case's intent")
    args = ap.parse_args()

    try:
        cases = load_corpus(args.only)
        if not args.validate:
            pgring = shutil.which(args.pgring) if os.sep not in args.pgring else args.pgring
            if not pgring or not os.access(pgring, os.X_OK):
                raise CorpusError(f"pgring executable not found: {args.pgring}")
            args.pgring = os.path.abspath(pgring)
    except CorpusError as exc:
        print(f"run_corpus: {exc}", file=sys.stderr)
        return 2

    workdir = None
    try:
        dsn = os.environ.get("PGRING_TEST_DSN")
        bindir = None
        if dsn:
            conn = conn_from_dsn(dsn)
        else:
            workdir = tempfile.mkdtemp(prefix="pgring-corpus-")
            os.chmod(workdir, 0o755)
            conn, bindir = start_cluster(workdir)
        env = base_env(conn)
        args.psql = find_psql(args.psql, bindir)
        run_setup(args.psql, env)

        failed = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = [pool.submit(run_case, case, args, env) for case in cases]
            for future in futures:
                case, report = future.result()
                if report:
                    failed += 1
                    print(f"FAIL {case.where()}" + "".join(" " + shlex.quote(f) for f in case.flags))
                    for command in case.commands:
                        print(f"  -c {command}")
                    for line in report:
                        print("  " + line)
        print(f"corpus: {len(cases)} cases, {len(cases) - failed} passed, {failed} failed")
        return 1 if failed else 0
    except (CorpusError, subprocess.TimeoutExpired) as exc:
        print(f"run_corpus: {exc}", file=sys.stderr)
        return 2
    finally:
        if workdir:
            subprocess.run([str(ROOT / "tools" / "pgcluster"), "stop", workdir], capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
