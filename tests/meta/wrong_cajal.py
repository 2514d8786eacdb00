#!/usr/bin/python3 -S
"""A deliberately wrong `cajal`, for testing the CLI tests: runs the real one ($CAJAL_REAL_CLI)
and changes one thing about what it prints or returns, chosen by $CAJAL_WRONG:
  none      nothing (the suite must pass: the wrapper itself is transparent)
  value     the first stdout line that is a bare value: a natural n becomes n + 1, true <-> false
  json      the first "depth":N field of stdout becomes "depth":N+10
  number    the first decimal number of stdout (1.0, 0.7, 0.696141) gets a trailing digit 1
  verdict   the first verdict word of stdout flips: proved <-> refuted, equivalent <-> not equivalent
  exit-ok   exit code 1 (a negative verdict) becomes 0
  exit-neg  exit code 2 (invalid input) becomes 1
  location  the first file:LINE:COL of stderr moves one column right
  printer   the printer writes its arrow differently: the first ` -o ` of stdout becomes ` ⊸ `
  truncate  the last line of stdout is dropped
  noise     a warning line is added to stderr
With $CAJAL_WRONG_CACHE set to a directory, the real cajal's outputs are cached there (keyed by the
working directory and the arguments), so that the suite runs quickly against many wrappers;
commands that read stdin or name a temporary path (a pipeline's files) are never cached.
"""
import hashlib
import os
import re
import subprocess
import sys


def wrong(kind, out, err, code):
    if kind == "value":
        lines = out.split("\n")
        for i, line in enumerate(lines):
            if re.fullmatch(r"[0-9]+", line):
                lines[i] = str(int(line) + 1)
                break
            if line in ("true", "false"):
                lines[i] = "false" if line == "true" else "true"
                break
        out = "\n".join(lines)
    elif kind == "json":
        out = re.sub(r"\"depth\": ?([0-9]+)", lambda m: "\"depth\":" + str(int(m.group(1)) + 10), out, count=1)
    elif kind == "number":
        out = re.sub(r"([0-9]+\.[0-9]+)", r"\g<1>1", out, count=1)
    elif kind == "verdict":
        lines = out.split("\n")
        flips = [("not equivalent", "equivalent"), ("equivalent", "not equivalent"), ("proved", "refuted"),
                 ("refuted", "proved")]
        done = False
        for i, line in enumerate(lines):
            for a, b in flips:
                if line.startswith(a + " ") or line.startswith("{\"verdict\":\"" + a + "\""):
                    lines[i], done = line.replace(a, b, 1), True
                    break
            if done:
                break
        out = "\n".join(lines)
    elif kind == "exit-ok":
        code = 0 if code == 1 else code
    elif kind == "exit-neg":
        code = 1 if code == 2 else code
    elif kind == "location":
        err = re.sub(r":([0-9]+):([0-9]+):", lambda m: f":{m.group(1)}:{int(m.group(2)) + 1}:", err, count=1)
    elif kind == "printer":
        out = out.replace(" -o ", " ⊸ ", 1)
    elif kind == "truncate":
        out = "".join(out.splitlines(True)[:-1])
    elif kind == "noise":
        err += "cajal: warning: this is not the real cajal\n"
    elif kind != "none":
        sys.stderr.write(f"wrong_cajal.py: unknown CAJAL_WRONG={kind}\n")
        sys.exit(99)
    return out, err, code


def main():
    real = os.environ["CAJAL_REAL_CLI"]
    args = sys.argv[1:]
    cache = os.environ.get("CAJAL_WRONG_CACHE")
    tmp = os.environ.get("TMPDIR", "/tmp")
    if cache and not any(a == "-" or "/tmp" in a or tmp in a for a in args):
        key = os.path.join(cache, hashlib.sha256("\0".join([os.getcwd(), real] + args).encode()).hexdigest()[:32])
        if not os.path.exists(key + ".code"):
            proc = subprocess.run([real] + args, capture_output=True, stdin=subprocess.DEVNULL)
            for suffix, data in ((".out", proc.stdout), (".err", proc.stderr), (".code", str(proc.returncode).encode())):
                with open(f"{key}{suffix}.{os.getpid()}", "wb") as f:
                    f.write(data)
            for suffix in (".out", ".err", ".code"):  # .code last: its presence means complete
                os.replace(f"{key}{suffix}.{os.getpid()}", key + suffix)
        with open(key + ".out", "rb") as f:
            out = f.read()
        with open(key + ".err", "rb") as f:
            err = f.read()
        with open(key + ".code") as f:
            code = int(f.read())
    else:
        proc = subprocess.run([real] + args, capture_output=True)
        out, err, code = proc.stdout, proc.stderr, proc.returncode
    out, err, code = wrong(os.environ.get("CAJAL_WRONG", "none"), out.decode("utf-8", "surrogateescape"),
                           err.decode("utf-8", "surrogateescape"), code)
    sys.stdout.buffer.write(out.encode("utf-8", "surrogateescape"))
    sys.stderr.buffer.write(err.encode("utf-8", "surrogateescape"))
    sys.exit(code)


if __name__ == "__main__":
    main()
