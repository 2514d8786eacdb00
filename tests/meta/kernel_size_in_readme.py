#!/usr/bin/env python3
"""The README's table of the verify kernel's size is what scripts/kernel-size.sh counts today.

Usage: kernel_size_in_readme.py SOURCE_DIR
"""
import re
import subprocess
import sys

root = sys.argv[1]
out = subprocess.run(["bash", f"{root}/scripts/kernel-size.sh"], capture_output=True, text=True, check=True).stdout
readme = open(f"{root}/README.md", encoding="utf-8").read()
stale = []
for line in out.splitlines()[1:]:
    m = re.match(r"(.*?)\s{2,}(\d+)", line)
    name, lines = m.group(1).strip(), m.group(2)
    row = f"| **{name}** | **{lines}** |" if name == "trusted in all" else f"| {name} | {lines} |"
    if row not in readme:
        stale.append(f"{name}: {lines} lines today")
if stale:
    print("README.md's kernel table is stale (run scripts/kernel-size.sh and update it):\n  " + "\n  ".join(stale))
    sys.exit(1)
print("the README's kernel table matches scripts/kernel-size.sh")
