#!/usr/bin/python3
"""cli.explain_browser: the page `cajal explain` writes opens in a real browser (headless Chromium)
without a console message, and shows all its parts: the source, the typing derivations, the
evaluation trace, the network diagram (an SVG with the recurrent neuron), main's tensor as a
heatmap (SVG cells) and the prove verdict.

    explain_browser.py CAJAL EXAMPLES_DIR ARTIFACT_DIR

The screenshot is kept as ARTIFACT_DIR/explain-even.png (with the page, explain-even.html). Before
the real page, a page with a deliberate script error must be caught, so that a browser which stops
reporting console messages fails this test instead of passing it. Exits 77 (CTest: skipped) when
Chromium is not installed (scripts/install-deps.sh installs it).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-extensions",
                  "--no-first-run", "--enable-logging=stderr", "--v=0"]


def browse(chromium, page, profile, *extra):
    """Runs Chromium on `page`; returns (stdout, the console messages it logged)."""
    r = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, "file://" + page],
                       capture_output=True, text=True, timeout=120)
    console = [line for line in r.stderr.splitlines() if ":CONSOLE" in line]
    if r.returncode != 0:
        raise SystemExit(f"FAIL: chromium exited {r.returncode}:\n{r.stderr[-3000:]}")
    return r.stdout, console


def main():
    cajal, examples, artifacts = sys.argv[1:4]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIPPED: Chromium is not installed (Debian: chromium; scripts/install-deps.sh installs it)")
        return 77
    os.makedirs(artifacts, exist_ok=True)
    with tempfile.TemporaryDirectory() as w:
        profile = os.path.join(w, "profile")
        # The detector must see a script error.
        bad = os.path.join(w, "bad.html")
        with open(bad, "w") as f:
            f.write("<!DOCTYPE html><html><body><script>notAFunction();</script></body></html>")
        _, console = browse(chromium, bad, profile, "--dump-dom")
        if not any("notAFunction" in line for line in console):
            print("FAIL: a page with a script error logged no console message; the check below would be blind")
            return 1

        page = os.path.join(artifacts, "explain-even.html")
        r = subprocess.run([cajal, "explain", os.path.join(examples, "even.cj"), "--arg", "7", "--html", page],
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            print(f"FAIL: cajal explain exited {r.returncode}:\n{r.stdout}{r.stderr}")
            return 1
        problems = []
        with open(page, encoding="utf-8") as f:
            html = f.read()
        for pattern, what in [(r"<script[^>]+src=", "a script loaded from elsewhere"),
                              (r"<link[^>]+href=", "a linked resource"),
                              (r"(src|href)=\"(https?:)?//", "a network address")]:
            if re.search(pattern, html):
                problems.append(f"the page is not self-contained: {what}")

        dom, console = browse(chromium, page, profile, "--dump-dom")
        if console:
            problems.append("console messages:\n  " + "\n  ".join(console))
        if 'data-ready="1"' not in dom:
            problems.append("the page's script did not run to its end (no data-ready on <body>)")

        def section(name):
            m = re.search(r'<section id="%s">(.*?)</section>' % name, dom, re.S)
            if not m:
                problems.append(f"no section #{name}")
                return ""
            return m.group(1)

        if "def main : Nat -o Bool = fun n : Nat" not in section("source"):
            problems.append("#source does not show the program")
        derivation = section("derivation")
        if "T-Iter" not in derivation or "<details" not in derivation:
            problems.append("#derivation has no collapsible derivation with T-Iter")
        trace = section("trace")
        if "E-IterSucc" not in trace or "false" not in trace:
            problems.append("#trace has no E-IterSucc step, or not the value false")
        network = section("network")
        if "<svg" not in network or "C-Iter" not in network:
            problems.append("#network has no diagram with the C-Iter neuron")
        tensor = section("tensor")
        cells = len(re.findall(r"<rect ", tensor))
        if "heatmap" not in tensor or cells != 2 * 10:
            problems.append(f"#tensor has no 2×10 heatmap (found {cells} cells)")
        if "proved" not in section("proof"):
            problems.append("#proof does not say proved")

        shot = os.path.join(artifacts, "explain-even.png")
        if os.path.exists(shot):
            os.remove(shot)
        browse(chromium, page, profile, "--screenshot=" + shot, "--window-size=1200,3000", "--hide-scrollbars")
        if not os.path.exists(shot) or os.path.getsize(shot) < 10000:
            problems.append("no screenshot")

    for p in problems:
        print("FAIL", p)
    if not problems:
        print(f"explain page: no console message, all parts present; screenshot {shot}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
