#!/usr/bin/python3
"""Doc tests: run the shell sessions written in Markdown files and compare their output.

Usage: doctest.py [--timeout S] CAJAL_BIN WORKDIR FILE.md...

Python 3 standard library only. Used by the CTest doc.tutorial on docs/tutorial/ (see
docs/tutorial/README.md, "How the course is tested").

WHAT IS RUN
  A fenced code block whose info string is `console` (```console ... ```) is a shell session.
  Every other block (```sh, ```text, ```cajal, ...) is left alone: write examples that must not run
  in one of those. In a console block:

    $ COMMAND                  a line starting with "$ " is a command;
    > MORE                     a command line ending in a backslash continues on the next line,
                               which starts with "> " (the backslash and newline are kept: bash
                               joins them);
    expected output            the lines after a command, up to the next "$ " line or the end of
                               the block, are its expected stdout and stderr, merged in the order
                               the command wrote them.

  The first line of a block must be a command.

EXIT CODES
  A command is expected to exit with 0. A command that must exit with another code says so with a
  trailing comment on its (last) command line:

    $ cajal prove spec/examples/even.cj --mutant swap-if  # exit 1

  The marker is `# exit N` at the very end of the line (any spacing around `#`). bash would ignore
  it anyway (it is a comment); the runner strips it and checks the code. For a pipeline the code is
  bash's, the last command's (`cajal ... | head` exits with head's 0): to show a failing command's
  code, redirect its output to a file under $TMP and look at the file in the next command.

HOW COMMANDS RUN
  * Each command runs as `bash -c COMMAND` in WORKDIR (the repository root), with standard input
    from /dev/null and a timeout (--timeout S, default 60 s; a timeout is a failure).
  * `cajal` is CAJAL_BIN: a temporary directory holding a `cajal` symlink to CAJAL_BIN comes first
    on PATH. ($CAJAL_CLI_UNDER_TEST, when set, replaces CAJAL_BIN, as for the CLI tests, and
    CAJAL_REAL_CLI and CAJAL_WRONG are passed through, so tests/meta/wrong_cajal.py can run the
    course against a deliberately wrong `cajal`.)
  * The environment is fixed: PATH as above, HOME, LC_ALL=LANG=C.UTF-8, TZ=UTC, TERM=dumb,
    COLUMNS=100, NO_COLOR=1, and TMP (below). Nothing else is inherited.
  * $TMP is a fresh temporary directory per Markdown file, shared by the commands of that file and
    deleted afterwards (kept when CAJAL_DOCTEST_KEEP=1). Every file a lesson writes goes under
    $TMP. No other shell state (variables, cd) carries over from one command to the next.

HOW OUTPUT IS COMPARED
  The actual output is decoded as UTF-8 and normalized, then compared line by line:
  * the path of $TMP is written `$TMP` (e.g. `certificate in $TMP/cert: proved at depth 9`);
  * durations become `…`: a number followed by ` s` or ` ms` ("(0.157 s)" -> "(… s)",
    "< 1 ms" and "9 ms" -> "… ms"), a rate "241.8 programs/s" -> "… programs/s", fuzz's
    "slowest: program 27" -> "slowest: program …", and a JSON "seconds": 0.1 -> "seconds": …;
  * trailing whitespace on each line, and empty lines at the end, are ignored (on both sides).
  In the expected text, a line that is exactly `...` matches any number of lines (zero or more).
  A float written for a round trip (17 significant digits, e.g. a learned parameter) may differ in
  its last bits, which depend on the machine's vector width (tests/lib/round_trip_floats.py says
  how far). Everything else must be equal.

  A mismatch is printed as a unified diff (expected -> actual) headed by FILE:LINE of the command,
  with the exit code when that differs too. The last line printed is the summary
      doctest: N commands in M files, K failures
  and the exit status is 1 when K > 0 (or a block is malformed), else 0.

REGENERATING
  With CAJAL_UPDATE_DOCS=1 (or --update) the runner rewrites, in place, the expected output of
  every command that does not match (with the normalized actual output) and its `# exit N` marker,
  and exits 0. Commands that match are left as they are, so a `...` elision survives as long as it
  matches. Review the diff (git diff docs/) before committing, as for CAJAL_UPDATE_GOLDEN.
"""
import argparse
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from round_trip_floats import equal_up_to_round_off  # noqa: E402

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^`\s]*)")
EXIT_MARK = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")

# Durations and other run-dependent numbers (see the docstring).
NUM = r"\d+(?:\.\d+)?(?:e[-+]?\d+)?"
NORMALIZE = [
    (re.compile(r"(?:< )?(?<![\w.])" + NUM + r" (s|ms)(?![\w/])"), r"… \1"),
    (re.compile(r"(?<![\w.])" + NUM + r" (\w+)/s\b"), r"… \1/s"),
    (re.compile(r"^slowest: program \d+", re.M), "slowest: program …"),
    (re.compile(r"(\"seconds\":\s?)" + NUM), r"\1…"),
]


class Command:
    def __init__(self, path, line, text, exit_code, marker_line, indent):
        self.path = path
        self.line = line                # 1-based line of the first "$ " line
        self.text = text                # the command for bash (continuation lines joined by newlines)
        self.exit_code = exit_code      # the expected exit code
        self.marker_line = marker_line  # 0-based index of the line that holds (or would hold) `# exit N`
        self.indent = indent            # the block's indentation (a block inside a list item)
        self.expected = []              # the expected output lines
        self.out_start = 0              # 0-based index of the first expected line in the file
        self.out_end = 0                # one past the last expected line (trailing empty lines excluded)


class Malformed(Exception):
    pass


def parse(path, lines):
    """The commands of every console block of a file (lines without their newlines)."""
    commands = []
    i, n = 0, len(lines)
    while i < n:
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m.group(1), m.group(2), m.group(3)
        # the closing fence: the same character, at least as long, nothing else on the line
        close = re.compile(r"^\s*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
        j = i + 1
        while j < n and not close.match(lines[j]):
            j += 1
        if j == n:
            raise Malformed(f"{path}:{i + 1}: the code block is not closed")
        if info == "console":
            commands.extend(parse_block(path, lines, i + 1, j, indent))
        i = j + 1
    return commands


def parse_block(path, lines, start, end, indent):
    def body(k):
        line = lines[k]
        return line[len(indent):] if line.startswith(indent) else line.lstrip()

    commands = []
    k = start
    while k < end and body(k).strip() == "":
        k += 1
    if k < end and not body(k).startswith("$ "):
        raise Malformed(f"{path}:{k + 1}: a console block must start with a `$ ` command line")
    while k < end:
        line = body(k)
        if line.startswith("$ "):
            first = k
            parts = [line[2:]]
            while parts[-1].endswith("\\") and k + 1 < end and body(k + 1).startswith("> "):
                k += 1
                parts.append(body(k)[2:])
            text = "\n".join(parts)
            exit_code = 0
            m = EXIT_MARK.search(text)
            if m:
                exit_code = int(m.group(1))
                text = text[:m.start()]
            command = Command(path, first + 1, text, exit_code, k, indent)
            command.out_start = k + 1
            commands.append(command)
        else:
            commands[-1].expected.append(line.rstrip())
        k += 1
    for command in commands:
        while command.expected and command.expected[-1] == "":
            command.expected.pop()
        command.out_end = command.out_start + len(command.expected)
    return commands


def normalize(text, tmp):
    for t in {tmp, os.path.realpath(tmp)}:
        text = text.replace(t, "$TMP")
    for pattern, replacement in NORMALIZE:
        text = pattern.sub(replacement, text)
    out = [line.rstrip() for line in text.split("\n")]
    while out and out[-1] == "":
        out.pop()
    return out


def matches(expected, actual):
    """expected (with `...` lines matching any number of lines) against actual."""
    memo = {}

    def go(i, j):
        key = (i, j)
        if key in memo:
            return memo[key]
        if i == len(expected):
            r = j == len(actual)
        elif expected[i].strip() == "...":
            r = any(go(i + 1, k) for k in range(j, len(actual) + 1))
        else:
            r = (j < len(actual) and equal_up_to_round_off(expected[i], actual[j])
                 and go(i + 1, j + 1))
        memo[key] = r
        return r

    return go(0, 0)


def environment(bindir, tmp):
    env = {
        "PATH": bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", tmp),
        "LC_ALL": "C.UTF-8",
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "TERM": "dumb",
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "TMP": tmp,
    }
    for name in ("CAJAL_REAL_CLI", "CAJAL_WRONG"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def run(command, workdir, env, timeout):
    """(exit code or None on a timeout, stdout and stderr merged). A command that times out is
    killed with its whole process group."""
    proc = subprocess.Popen(["bash", "-c", command.text], cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, _ = proc.communicate()
        return None, out.decode("utf-8", "replace")


def rewrite(lines, command, actual, exit_code):
    """New text of a command's lines: its marker line and its expected output."""
    marker = lines[command.marker_line]
    marker = EXIT_MARK.sub("", marker)
    if exit_code not in (0, None):
        marker = marker.rstrip() + f"  # exit {exit_code}"
    return marker, [command.indent + line if line else "" for line in actual]


def main(argv):
    ap = argparse.ArgumentParser(description="Run the console blocks of Markdown files (see the module docstring).")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per command (default 60)")
    ap.add_argument("--update", action="store_true", help="rewrite mismatching expected output (as CAJAL_UPDATE_DOCS=1)")
    ap.add_argument("cajal")
    ap.add_argument("workdir")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args(argv[1:])
    update = args.update or os.environ.get("CAJAL_UPDATE_DOCS") == "1"
    keep = os.environ.get("CAJAL_DOCTEST_KEEP") == "1"

    binary = os.environ.get("CAJAL_CLI_UNDER_TEST") or args.cajal
    binary = os.path.abspath(binary)
    if not os.access(binary, os.X_OK):
        print(f"doctest: {binary} is not an executable", file=sys.stderr)
        return 2
    workdir = os.path.abspath(args.workdir)
    bindir = tempfile.mkdtemp(prefix="cajal-doctest-bin-")
    os.symlink(binary, os.path.join(bindir, "cajal"))

    total = failures = updated = 0
    malformed = False
    # The commands write under $TMP, never into WORKDIR (the source tree): a file they leave there
    # would be committed by the next `git add` (spec/learning.md once left cert/ and rnn-learned.cj).
    present = set(os.listdir(workdir))
    try:
        for given in args.files:
            # shown relative to WORKDIR when it is under it (CTest passes absolute paths)
            path = os.path.relpath(given, workdir) if os.path.abspath(given).startswith(workdir + os.sep) else given
            with open(given, encoding="utf-8") as f:
                text = f.read()
            lines = text.split("\n")
            try:
                commands = parse(path, lines)
            except Malformed as e:
                print(f"doctest: {e}")
                malformed = True
                continue
            tmp = tempfile.mkdtemp(prefix="cajal-doctest-")
            env = environment(bindir, tmp)
            edits = []
            try:
                for command in commands:
                    total += 1
                    code, output = run(command, workdir, env, args.timeout)
                    actual = normalize(output, tmp)
                    ok_code = code == command.exit_code
                    ok_out = matches(command.expected, actual)
                    if ok_code and ok_out:
                        continue
                    if update and code is not None:
                        edits.append((command, actual, code))
                        continue
                    failures += 1
                    print(f"FAIL {path}:{command.line}: $ {command.text}")
                    if not ok_code:
                        got = f"none: timed out after {args.timeout:g} s" if code is None else code
                        print(f"  exit code: expected {command.exit_code}, got {got}")
                    if not ok_out:
                        diff = difflib.unified_diff(command.expected, actual, f"{path}:{command.line} (expected)",
                                                    f"{path}:{command.line} (actual)", lineterm="", n=3)
                        for d in diff:
                            print("  " + d)
                left = sorted(set(os.listdir(workdir)) - present)
                if left:
                    failures += 1
                    present.update(left)
                    print(f"FAIL {path}: its commands wrote {', '.join(left)} into {workdir}; write under $TMP instead")
            finally:
                if keep:
                    print(f"doctest: kept {tmp} for {path}")
                else:
                    shutil.rmtree(tmp, ignore_errors=True)
            if edits:
                # apply from the bottom up so earlier line numbers stay valid
                for command, actual, code in sorted(edits, key=lambda e: -e[0].out_start):
                    marker, new_out = rewrite(lines, command, actual, code)
                    lines[command.marker_line] = marker
                    lines[command.out_start:command.out_end] = new_out
                with open(given, "w", encoding="utf-8") as f:
                    f.write("\n".join(lines))
                updated += len(edits)
                print(f"doctest: updated {len(edits)} command(s) in {path}")
    finally:
        shutil.rmtree(bindir, ignore_errors=True)

    print(f"doctest: {total} commands in {len(args.files)} files, {failures} failures")
    return 1 if failures or malformed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
