"""Metrics of metamorphosis: how closely a student reproduces its teacher.

Fidelity is the first quality measure of rule extraction and surrogate models:
accuracy tells how well the student fits the world, fidelity how well it fits
the teacher it was made from; :func:`compression_report` tells what a
student saves over its teacher in size and prediction time.
"""

from ._compression import compression_report
from ._fidelity import fidelity_score, fidelity_scorer
from ._reports import (
    fidelity_report,
    make_fidelity_scorer,
    per_class_fidelity,
    probability_divergence,
)
from ._scenario import (
    box_consistency,
    coverage_score,
    density_score,
    pr_auc_score,
    wracc_score,
)

__all__ = [
    "box_consistency",
    "compression_report",
    "coverage_score",
    "density_score",
    "pr_auc_score",
    "wracc_score",
    "fidelity_report",
    "fidelity_score",
    "fidelity_scorer",
    "make_fidelity_scorer",
    "per_class_fidelity",
    "probability_divergence",
]
