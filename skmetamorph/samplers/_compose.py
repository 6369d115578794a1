"""Combine samplers: the union of their transfer sets."""

import numpy as np
from sklearn.base import clone
from sklearn.utils import Bunch

from ..base import ChunkedTransferSampler, LabeledPlan, SamplerPlan, transfer_plan
from ..utils._sklearn_compat import _BaseComposition

__all__ = ["UnionSampler"]

_NO_SAMPLER = "UnionSampler needs at least one sampler that is not 'drop'."


class UnionSampler(ChunkedTransferSampler, _BaseComposition):
    """Concatenate the transfer sets of several samplers.

    Each sampler makes its rows from the same input, and the rows are stacked
    in the order of ``samplers``. Combining, for example, :class:`MUNGE` (rows
    close to the data) with :class:`UniformSampler` (rows anywhere in its
    bounding box) gives a student both a faithful picture of the teacher near
    the data and coverage of the rest of the input space.

    The teacher's answers that a sampler got while choosing its rows (an
    :class:`AdaptiveSampler`'s rounds) travel with the union's rows
    (:meth:`~skmetamorph.base.LabeledPlan.output_parts`): the
    meta-estimators label only the other samplers' rows, so the adaptive
    sampler's budget holds inside a union.

    Samplers are given as ``(name, sampler)`` pairs, as the steps of a
    :class:`~sklearn.pipeline.Pipeline` or the transformers of a
    :class:`~sklearn.pipeline.FeatureUnion`, so that their parameters can be set
    and searched by name, e.g. ``set_params(munge__p=0.2)``.

    Parameters
    ----------
    samplers : list of (str, sampler) tuples
        The samplers, each with a name (unique, without ``"__"``) and an object
        with a ``fit_generate`` method. A sampler may be set to ``"drop"`` to
        leave it out.
    random_state : int, RandomState instance or None, default=None
        Seed of the samplers whose own ``random_state`` is ``None``: each gets
        a distinct seed derived from this one, so that the union is
        reproducible without making its samplers draw the same numbers.
        Samplers with their own ``random_state`` keep it.

    Attributes
    ----------
    samplers_ : list of (str, sampler) tuples
        The fitted copies of the samplers that were not dropped, with their
        derived seeds. The objects in ``samplers`` are left untouched.
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    sklearn.pipeline.FeatureUnion : The same composition for transformers,
        stacking columns instead of rows.
    FunctionSampler : Any function as a sampler.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import MUNGE, UniformSampler, UnionSampler
    >>> X = np.random.default_rng(0).normal(size=(40, 3))
    >>> union = UnionSampler(
    ...     [
    ...         ("munge", MUNGE(n_samples=2.0)),
    ...         ("uniform", UniformSampler(n_samples=20)),
    ...     ],
    ...     random_state=0,
    ... )
    >>> union.fit_generate(X).shape
    (100, 3)
    >>> union.set_params(munge__p=0.2).get_params()["munge__p"]
    0.2
    """

    _parameter_constraints: dict = {
        "samplers": [list],
        "random_state": ["random_state"],
    }

    def __init__(self, samplers, *, random_state=None):
        self.samplers = samplers
        self.random_state = random_state

    def get_params(self, deep=True):
        """Get the parameters of the union and, if ``deep``, of its samplers.

        Parameters
        ----------
        deep : bool, default=True
            If True, also return the samplers by name and their parameters as
            ``<name>__<parameter>``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return self._get_params("samplers", deep=deep)

    def set_params(self, **params):
        """Set the parameters of the union or of its samplers.

        A sampler is replaced with ``<name>=new_sampler`` (or ``"drop"``) and
        its parameters are set with ``<name>__<parameter>=value``.

        Parameters
        ----------
        **params : dict
            Parameters of the union and of its samplers.

        Returns
        -------
        self : UnionSampler
            The union.
        """
        self._set_params("samplers", **params)
        return self

    @property
    def named_samplers(self):
        """The samplers by name, as a :class:`~sklearn.utils.Bunch`."""
        return Bunch(**dict(self.samplers))

    @property
    def _allows_nan(self):
        # The union takes NaN only if every sampler does; read by the base
        # class for input validation and the estimator tags. Invalid
        # ``samplers`` (the estimator checks set odd values) mean "no".
        try:
            return all(
                getattr(sampler, "_allows_nan", False) for _, sampler in self._active_samplers()
            )
        except (TypeError, ValueError):
            return False

    def _active_samplers(self):
        """The ``(name, sampler)`` pairs that are not dropped, after checks."""
        if not self.samplers:
            raise ValueError(_NO_SAMPLER)
        if not all(isinstance(item, (tuple, list)) and len(item) == 2 for item in self.samplers):
            raise TypeError(
                f"samplers must be a list of (name, sampler) tuples; got {self.samplers!r}."
            )
        names, samplers = zip(*self.samplers)
        self._validate_names(names)
        self._check_estimators_are_instances(samplers)
        active = []
        for name, sampler in zip(names, samplers):
            if isinstance(sampler, str) and sampler == "drop":
                continue
            if not hasattr(sampler, "fit_generate"):
                raise TypeError(
                    f"Sampler {name!r} must have a fit_generate method or be "
                    f"'drop'; got {sampler!r}."
                )
            active.append((name, sampler))
        if not active:
            raise ValueError(_NO_SAMPLER)
        return active

    def _fit_rows(self, X, y, teacher, rng):
        # The union's rows are its samplers' rows one after the other; each
        # sampler makes its own range (in chunks when it can).
        # The members get X with its feature names, so that features named in
        # their parameters (MUNGE's categorical_features) are found.
        X = self._with_feature_names(X)
        plans = [transfer_plan(sampler, X, y, teacher=teacher) for sampler in self._fitted(rng)]
        offsets = np.cumsum([0] + [len(plan) for plan in plans])
        return {"plans": plans, "offsets": offsets}, int(offsets[-1])

    def _generate_rows(self, state, start, stop):
        parts = []
        for plan, offset in zip(state["plans"], state["offsets"][:-1]):
            lo, hi = max(start - offset, 0), min(stop - offset, len(plan))
            if lo < hi:
                parts.append(plan.rows(int(lo), int(hi)))
        return np.concatenate(parts, axis=0)  # never empty: start < stop

    def _make_plan(self, X, y, teacher, rng):
        plan = super()._make_plan(X, y, teacher, rng)
        if any(isinstance(member, LabeledPlan) for member in plan.state["plans"]):
            # A member asked the teacher while choosing its rows
            # (AdaptiveSampler's rounds): its answers travel with the union's
            # rows, so that they are not labeled again and its budget holds.
            return _LabeledUnionPlan(plan.sampler, plan.state, plan.n_samples, plan.dtype)
        return plan

    def _fitted(self, rng):
        """Seeded copies of the active samplers (also kept in ``samplers_``)."""
        active = self._active_samplers()
        # One seed per listed sampler, drawn whether or not it is used, so that a
        # sampler's seed does not change when another one is dropped or seeded.
        seeds = dict(
            zip(
                (name for name, _ in self.samplers),
                rng.integers(np.iinfo(np.int32).max, size=len(self.samplers)),
            )
        )
        self.samplers_ = []
        for name, sampler in active:
            # Clone: seeding and fitting must not change the user's objects.
            sampler = clone(sampler)
            params = sampler.get_params(deep=False)
            if "random_state" in params and params["random_state"] is None:
                sampler.set_params(random_state=int(seeds[name]))
            # fit_generate runs with nested parameter validation turned off (the
            # base class asks for it), so the samplers given by the user would go
            # unchecked: check them here.
            if hasattr(sampler, "_validate_params"):
                sampler._validate_params()
            self.samplers_.append((name, sampler))
        return [sampler for _, sampler in self.samplers_]


class _LabeledUnionPlan(SamplerPlan, LabeledPlan):
    """A union's rows, with the teacher's answers where a member's plan has them."""

    def output_parts(self, start, stop):
        parts = []
        for plan, offset in zip(self.state["plans"], self.state["offsets"][:-1]):
            lo, hi = int(max(start - offset, 0)), int(min(stop - offset, len(plan)))
            if lo >= hi:
                continue
            member_parts = (
                plan.output_parts(lo, hi) if isinstance(plan, LabeledPlan) else [(lo, hi, None)]
            )
            for part_lo, part_hi, outputs in member_parts:
                if outputs is None and parts and parts[-1][2] is None:
                    parts[-1] = (parts[-1][0], int(part_hi + offset), None)  # merge unasked
                else:
                    parts.append((int(part_lo + offset), int(part_hi + offset), outputs))
        return parts or [(start, stop, None)]
