#!/usr/bin/python3
"""Tests of tests/doc/doctest.py: it passes what matches, fails what does not, and regenerates.

Usage: doctest_selftest.py

Runs doctest.py on small Markdown files written to a temporary directory, with a fake `cajal` (a
bash script) so that it needs no build. Each case states the exit status and a piece of output
doctest.py must print. Exits 1 if any case does not behave, printing what it got. Standard library
only.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DOCTEST = os.path.join(HERE, "doctest.py")

# A fake tool: `cajal say WORDS` prints WORDS, `cajal fail N` exits N after a line on stderr,
# `cajal time` prints durations, `cajal where` prints the file it was given, `cajal sleep` hangs.
FAKE = r"""#!/bin/bash
case "$1" in
  say) shift; echo "$@" ;;
  fail) echo "cajal: error: failing with $2" >&2; exit "$2" ;;
  time) echo "proved at depth 9 (0.157069 s)"; echo "equivalent (exhaustive; < 1 ms)";
        echo "checked 85 programs in 0.351 s (241.848 programs/s)"; echo "slowest: program 27 (0.0046 s)" ;;
  lines) for i in 1 2 3 4 5; do echo "line $i"; done ;;
  where) echo "wrote $2" ;;
  sleep) sleep 30 ;;
esac
"""

CASES = [
    # (name, markdown, expected exit status, a string the output must contain)
    ("passes", """
text
```console
$ cajal say hello
hello
$ cajal fail 2  # exit 2
cajal: error: failing with 2
```
```sh
$ this block is not run
```
""", 0, "doctest: 2 commands in 1 files, 0 failures"),
    ("wrong output", """
```console
$ cajal say hello
goodbye
```
""", 1, "+hello"),
    ("wrong exit code", """
```console
$ cajal fail 1
cajal: error: failing with 1
```
""", 1, "exit code: expected 0, got 1"),
    ("a wrong exit marker fails", """
```console
$ cajal fail 3  # exit 1
cajal: error: failing with 3
```
""", 1, "expected 1, got 3"),
    ("durations elided", """
```console
$ cajal time
proved at depth 9 (… s)
equivalent (exhaustive; … ms)
checked 85 programs in … s (… programs/s)
slowest: program … (… s)
```
""", 0, "0 failures"),
    ("round-trip floats may differ in their last bits", """
```console
$ cajal say 'step=[-0.015077863642158596, 0.98450863091253049]'
step=[-0.015077863642158604, 0.98450863091253094]
```
""", 0, "0 failures"),
    ("round-trip floats may not differ in a visible digit", """
```console
$ cajal say 'step=[-0.015077863642158596, 0.98450863091253049]'
step=[-0.015077863642158596, 0.98450863191253049]
```
""", 1, "1 failures"),
    ("short numbers must be equal", """
```console
$ cajal say loss 0.430343 in 5 epochs
loss 0.430342 in 5 epochs
```
""", 1, "1 failures"),
    ("ellipsis matches lines", """
```console
$ cajal lines
line 1
...
line 5
```
""", 0, "0 failures"),
    ("ellipsis does not match a wrong line", """
```console
$ cajal lines
line 1
...
line 6
```
""", 1, "1 failures"),
    ("TMP is per file and named $TMP", """
```console
$ echo x > $TMP/f && cajal where $TMP/f
wrote $TMP/f
$ cat $TMP/f
x
```
""", 0, "0 failures"),
    ("continuation lines", """
```console
$ cajal say one \\
>   two
one two
```
""", 0, "0 failures"),
    ("indented block", """
- a list item

  ```console
  $ cajal say inside
  inside
  ```
""", 0, "0 failures"),
    ("malformed block", """
```console
hello
$ cajal say hello
hello
```
""", 1, "must start with a `$ ` command line"),
    ("timeout", """
```console
$ cajal sleep
```
""", 1, "timed out after 1 s"),
]


def run_doctest(fake, root, md_path, env_extra=None):
    env = dict(os.environ)
    env.pop("CAJAL_UPDATE_DOCS", None)
    env.pop("CAJAL_CLI_UNDER_TEST", None)
    env.update(env_extra or {})
    proc = subprocess.run([sys.executable, DOCTEST, "--timeout", "1", fake, root, md_path], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def main():
    bad = 0
    with tempfile.TemporaryDirectory() as root:
        fake = os.path.join(root, "fake-cajal")
        with open(fake, "w") as f:
            f.write(FAKE)
        os.chmod(fake, 0o755)
        for k, (name, markdown, want_code, want_text) in enumerate(CASES):
            md = os.path.join(root, f"case{k}.md")
            with open(md, "w", encoding="utf-8") as f:
                f.write(markdown.lstrip("\n"))
            code, out = run_doctest(fake, root, md)
            ok = code == want_code and want_text in out
            print(f"{'ok  ' if ok else 'FAIL'} {name}")
            if not ok:
                bad += 1
                print(f"  expected exit {want_code} and {want_text!r}; got exit {code}:\n" + out)

        # Regeneration: a wrong file is rewritten (output and exit marker), then passes as it is.
        md = os.path.join(root, "update.md")
        with open(md, "w", encoding="utf-8") as f:
            f.write("```console\n$ cajal say new\nold\n$ cajal fail 2\n$ cajal lines\nline 1\n...\nline 5\n```\n")
        code1, out1 = run_doctest(fake, root, md, {"CAJAL_UPDATE_DOCS": "1"})
        text = open(md, encoding="utf-8").read()
        code2, out2 = run_doctest(fake, root, md)
        want = "```console\n$ cajal say new\nnew\n$ cajal fail 2  # exit 2\ncajal: error: failing with 2\n$ cajal lines\nline 1\n...\nline 5\n```\n"
        ok = code1 == 0 and "updated 2 command(s)" in out1 and text == want and code2 == 0
        print(f"{'ok  ' if ok else 'FAIL'} CAJAL_UPDATE_DOCS=1 rewrites what differs and keeps what matches")
        if not ok:
            bad += 1
            print(f"  update: exit {code1}\n{out1}\n  file now:\n{text}\n  rerun: exit {code2}\n{out2}")
    print(f"doctest_selftest: {len(CASES) + 1} cases, {bad} failures")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
