# Made on 2 shared cores (nice), 2026-12-05, branch wt-23:
PYTHONPATH=/work/wt-23 nice python benchmarks/bench_generators.py --sizes 100 --splits 4 --n-jobs 2 --generators munge gmm kde noise uniform gmm_bic munge_redraw spunge forest_leaf smote auto --output generators_auto.json
python benchmarks/auto_summary.py benchmarks/results/generators_auto.json
