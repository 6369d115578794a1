# Diagnostic (not a benchmark): AdaptiveSampler(MUNGE) variants vs MUNGE at 1000 teacher rows,
# 8-leaf tree student, RF(100) teacher, 100 training rows, 4 datasets x 3 seeds; Wilcoxon over 12 units.
# nice python benchmarks/results/adaptive_diag_script.py  (run from /tmp/wt23; writes adapt_diag.json)
