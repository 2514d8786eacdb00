#!/usr/bin/env bash
# The LaTeX of `type --derivation --latex` and `run --trace --latex` compiles with pdflatex, in a
# document that loads bussproofs and amssymb. Skipped (exit 77) where pdflatex or bussproofs is
# missing (Debian: texlive-latex-base and texlive-science, which has bussproofs; install-deps
# installs both).
# Usage: latex_compiles.sh CAJAL EXAMPLES_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cajal=$(cajal_under_test "$1")
examples=$2
if ! command -v pdflatex >/dev/null || ! kpsewhich bussproofs.sty >/dev/null 2>&1; then
  echo "SKIPPED: pdflatex with bussproofs.sty is not installed (Debian: texlive-latex-base, texlive-science)"
  exit 77
fi
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
step 0 "$d/derivation.tex" -- "$cajal" type "$examples/even.cj" --derivation --latex
step 0 "$d/trace.tex" -- "$cajal" run "$examples/even.cj" --arg 2 --trace --latex
step 0 "$d/cut.tex" -- "$cajal" run "$examples/even.cj" --arg 9 --trace --latex --trace-limit 20
cat > "$d/doc.tex" <<'TEX'
\documentclass{article}
\usepackage[utf8]{inputenc}
\usepackage{amssymb}
\usepackage{bussproofs}
\usepackage[a0paper,landscape,margin=1cm]{geometry}
\begin{document}
\tiny
\input{derivation.tex}
\input{trace.tex}
\input{cut.tex}
\end{document}
TEX
(cd "$d" && pdflatex -interaction=nonstopmode -halt-on-error doc.tex > latex.log 2>&1) ||
  { echo "FAILED: pdflatex:"; tail -40 "$d/latex.log"; exit 1; }
[ -s "$d/doc.pdf" ] || { echo "FAILED: no PDF"; exit 1; }
echo "the derivation and the traces compile with pdflatex"
