# Made on 2 shared cores (nice), 2026-12-05, main: part (a) only, with "adaptive_student"
# (AdaptiveSampler whose round student is the final student) and "auto" (AutoSampler at the
# same teacher-row budget) beside every fixed sampler and the default AdaptiveSampler.
nice python benchmarks/bench_adaptive.py --parts a --output adaptive_auto.json
