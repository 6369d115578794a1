# Made on 2 shared cores (nice), 2026-12-05, main:
nice python benchmarks/bench_generators.py --sizes 100 --splits 8 --n-jobs 2 --generators munge gmm kde noise uniform gmm_bic munge_redraw spunge forest_leaf smote auto auto_best --output generators_auto.json
python benchmarks/auto_summary.py benchmarks/results/generators_auto.json
