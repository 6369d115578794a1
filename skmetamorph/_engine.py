"""The engine: every joblib (and so Dask) call of skmetamorph, with one progress style.

Work on many rows is cut into chunks (:func:`~skmetamorph.base.batch_ranges`)
and run through joblib, so that ``n_jobs`` uses the cores and
``joblib.parallel_backend("dask")`` a cluster, without any other module
knowing which:

- :func:`map_chunks` applies a function to chunks of an array and stacks the
  results (a teacher's probabilities, a function teacher's values);
- :func:`labeled_chunks` makes *and* labels each chunk of a
  :class:`~skmetamorph.base.TransferPlan` in one task, so only the chunks'
  rows and targets come back from the workers;
- :func:`label_transfer_set` writes those chunks into one preallocated array for a
  student's ``fit`` (peak memory: the transfer set plus a few chunks);
- :func:`stream_to_student` hands each chunk to a ``partial_fit`` step and
  drops it, pass after pass, so the transfer set is never held whole.
"""

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from joblib.parallel import get_active_backend

from .base import LabeledPlan
from .utils._data import batch_ranges

__all__ = ["label_transfer_set", "labeled_chunks", "map_chunks", "stream_to_student"]


def map_chunks(func, X, batch_size, n_jobs):
    """``func`` applied to chunks of ``batch_size`` rows of ``X`` through joblib, stacked.

    Parameters
    ----------
    func : callable
        Rows to an array with one entry (or row) per input row.
    X : ndarray of shape (n_samples, ...)
        Rows. Chunks are slices (views), so float32 rows stay float32.
    batch_size : int
        Rows per chunk.
    n_jobs : int or None
        joblib's ``n_jobs``; one chunk, or ``n_jobs`` of None or 1 outside a
        joblib context, runs in this process.

    Returns
    -------
    result : ndarray or None
        The results concatenated along the first axis; None for no rows.
    """
    ranges = batch_ranges(X.shape[0], batch_size)
    if len(ranges) <= 1 or n_jobs in (None, 1):
        parts = [func(X[start:stop]) for start, stop in ranges]
    else:
        parts = Parallel(n_jobs=n_jobs)(delayed(func)(X[start:stop]) for start, stop in ranges)
    return np.concatenate([np.asarray(part) for part in parts]) if parts else None


def _output_parts(plan, start, stop):
    """The teacher's answers a :class:`~skmetamorph.base.LabeledPlan` carries; None for others."""
    return plan.output_parts(start, stop) if isinstance(plan, LabeledPlan) else None


def _make_and_label(source, start, stop, labeler, parts=None):
    """One joblib task: the rows of a range (made here, or given) and their targets.

    ``parts`` (or the plan's, for a plan made here) are the teacher's answers
    on these rows, range by range, where the sampler asked it already (see
    :meth:`~skmetamorph.base.LabeledPlan.output_parts`): the labeler then
    uses them instead of calling the teacher a second time, and asks it only
    about the rows without answers.
    """
    if isinstance(source, np.ndarray):
        rows = source
    else:
        rows, parts = source.rows(start, stop), _output_parts(source, start, stop)
    if not parts or all(outputs is None for _, _, outputs in parts):
        return rows, labeler(rows)
    targets = [
        labeler(rows[lo - start : hi - start])
        if outputs is None
        else labeler(rows[lo - start : hi - start], outputs=outputs)
        for lo, hi, outputs in parts
        if hi > lo
    ]
    return rows, targets[0] if len(targets) == 1 else np.concatenate(targets)


def _task(plan, start, stop, labeler):
    if plan.generates:
        # The plan itself travels (a small state: data rows, neighbours, a key);
        # the worker makes the rows.
        return delayed(_make_and_label)(plan, start, stop, labeler)
    # Rows made already: send only this chunk of them (and of the teacher's
    # outputs on them, if any), not the whole array.
    return delayed(_make_and_label)(
        plan.rows(start, stop), start, stop, labeler, _output_parts(plan, start, stop)
    )


def _backend_streams_results():
    """Whether the active joblib backend can hand results back as they come.

    ``Parallel(return_as="generator")`` needs it; the backend says so itself
    (``supports_return_generator``, joblib >= 1.3), so no error text is read.
    """
    backend, _ = get_active_backend()
    return bool(getattr(backend, "supports_return_generator", False))


def labeled_chunks(plan, labeler, ranges, n_jobs, *, bounded=False):
    """Yield ``(start, stop, rows, targets)`` for each range of ``plan``, in order.

    Parameters
    ----------
    plan : TransferPlan
        The transfer set.
    labeler : callable
        Rows to targets (a labeler of :mod:`skmetamorph._labeling`).
    ranges : list of (int, int)
        Row ranges, one per chunk, in the order wanted.
    n_jobs : int or None
        joblib's ``n_jobs``; ``None`` follows the active joblib context
        (one job outside any).
    bounded : bool, default=False
        Keep at most ``2 * effective_n_jobs`` chunks made but not consumed.
        joblib dispatches a new task whenever one finishes, so a consumer
        slower than the workers (a student's ``partial_fit``) would otherwise
        let finished chunks pile up; windows of tasks bound that, at the cost
        of a short wait at the end of each window. Without ``bounded``, all
        tasks run as one joblib call whose results are consumed as they come
        (the consumer must keep up: copying into an array does).
    """
    if len(ranges) <= 1:
        for start, stop in ranges:
            yield (start, stop) + _make_and_label(
                plan.rows(start, stop), start, stop, labeler, _output_parts(plan, start, stop)
            )
        return
    if _backend_streams_results():
        parallel = Parallel(n_jobs=n_jobs, return_as="generator")
    else:  # a backend that cannot stream results (multiprocessing): windows of lists
        parallel, bounded = Parallel(n_jobs=n_jobs), True
    window = 2 * max(effective_n_jobs(n_jobs), 1) if bounded else len(ranges)
    with parallel:
        for first in range(0, len(ranges), window):
            part = ranges[first : first + window]
            results = parallel(_task(plan, start, stop, labeler) for start, stop in part)
            # results first: zip then runs joblib's generator to its end.
            for (rows, targets), (start, stop) in zip(results, part):
                yield start, stop, rows, targets


def label_transfer_set(plan, labeler, head_rows, head_targets, *, batch_size, n_jobs, progress):
    """The student's rows and targets: ``head_rows`` first, then the labeled transfer set.

    Rows go straight into one preallocated array, chunk by chunk, so the peak
    memory beyond the result is a few chunks, not a second copy of the
    transfer set.

    Parameters
    ----------
    plan : TransferPlan
        The transfer set.
    labeler : callable
        Rows to targets.
    head_rows : ndarray of shape (n_head, n_features)
        Rows placed before the transfer set (the labeled rows, or none).
    head_targets : ndarray of shape (n_head,) or (n_head, ...) or None
        Their targets; ``None`` when there are no head rows.
    batch_size : int
        Rows per chunk.
    n_jobs : int or None
        joblib's ``n_jobs``.
    progress : Progress
        Told about each chunk.

    Returns
    -------
    X : ndarray of shape (n_head + len(plan), n_features)
        All rows.
    targets : ndarray or None
        All targets (``None`` when there are no rows at all). Targets of
        2 or more dimensions are written into a preallocated array; 1-d labels
        (small beside the rows) are concatenated, which keeps numpy's dtype
        promotion (string classes of different lengths).
    """
    n_head = head_rows.shape[0]
    X = np.empty((n_head + len(plan), plan.n_features), dtype=np.result_type(head_rows, plan.dtype))
    X[:n_head] = head_rows
    label_parts = [] if head_targets is None else [head_targets]
    block = None
    for start, stop, rows, targets in labeled_chunks(
        plan, labeler, batch_ranges(len(plan), batch_size), n_jobs
    ):
        X[n_head + start : n_head + stop] = rows
        targets = np.asarray(targets)
        if targets.ndim > 1:
            if block is None:
                block = _target_block(head_targets, targets, n_head + len(plan))
            block[n_head + start : n_head + stop] = targets
        else:
            label_parts.append(targets)
        progress.update(stop - start)
    if block is not None:
        return X, block
    return X, (np.concatenate(label_parts) if label_parts else None)


def _target_block(head_targets, first, n_rows):
    dtype = first.dtype if head_targets is None else np.result_type(head_targets, first)
    block = np.empty((n_rows,) + first.shape[1:], dtype=dtype)
    if head_targets is not None:
        block[: head_targets.shape[0]] = head_targets
    return block


def stream_to_student(
    step,
    plan,
    labeler,
    head_rows,
    head_targets,
    *,
    n_passes,
    batch_size,
    n_jobs,
    rng,
    progress,
    plan_for_pass=None,
):
    """Train a student chunk by chunk, ``n_passes`` times over the transfer set.

    Each pass makes and labels every chunk of ``plan`` again (a chunk's rows
    depend only on its position, so every pass sees the same transfer set;
    with ``plan_for_pass``, pass ``k >= 1`` sees the new set that it returns)
    and calls ``step(rows, targets, head)`` on it; the chunks of the head
    rows (the labeled rows) are mixed in. The order of the chunks is shuffled
    anew each pass, so that a student trained by stochastic gradient steps
    does not always meet the same rows first.

    Parameters
    ----------
    step : callable
        ``step(rows, targets, head)`` takes one ``partial_fit`` step;
        ``head`` is the slice of the head rows for a chunk of them, None
        for a chunk of the transfer set.
    plan : TransferPlan
        The transfer set.
    labeler : callable
        Rows to targets.
    head_rows : ndarray of shape (n_head, n_features)
        Rows that are in memory already (the labeled rows), or none.
    head_targets : ndarray or None
        Their targets, already in the student's form.
    n_passes : int
        Passes over all the rows.
    batch_size : int
        Rows per chunk.
    n_jobs : int or None
        joblib's ``n_jobs`` for making and labeling the chunks.
    rng : numpy.random.Generator
        Shuffles the chunk order.
    progress : Progress
        Told about each chunk (its total: ``n_passes`` times all rows).
    plan_for_pass : callable or None, default=None
        ``plan_for_pass(k)`` returns the transfer set of pass ``k`` (from 1;
        pass 0 uses ``plan``): fresh rows every pass. None: ``plan`` every pass.
    """
    head = batch_ranges(head_rows.shape[0], batch_size)
    for pass_index in range(n_passes):
        if pass_index > 0 and plan_for_pass is not None:
            plan = plan_for_pass(pass_index)
        transfer = batch_ranges(len(plan), batch_size)
        # Chunk k of the pass: a head chunk (k < len(head)) or a transfer chunk.
        order = rng.permutation(len(head) + len(transfer))
        transfer_order = [transfer[k - len(head)] for k in order if k >= len(head)]
        chunks = labeled_chunks(plan, labeler, transfer_order, n_jobs, bounded=True)
        try:
            for k in order:
                if k < len(head):
                    start, stop = head[k]
                    head_slice = slice(start, stop)
                    step(head_rows[head_slice], head_targets[head_slice], head_slice)
                else:
                    start, stop, rows, targets = next(chunks)
                    step(rows, targets, None)
                progress.update(stop - start)
        finally:
            chunks.close()  # ends joblib's call now, also when the student fails
