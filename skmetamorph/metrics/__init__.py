"""Metrics of metamorphosis: how closely a student reproduces its teacher.

Fidelity is the first quality measure of rule extraction and surrogate models:
accuracy tells how well the student fits the world, fidelity how well it fits
the teacher it was made from.
"""

from ._fidelity import fidelity_score, fidelity_scorer

__all__ = ["fidelity_score", "fidelity_scorer"]
