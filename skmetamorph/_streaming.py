"""Chunked transfer sets: made and labeled through joblib, learned chunk by chunk.

Both meta-estimators build their transfer set the same way. The sampler gives a
:class:`~skmetamorph.base.TransferPlan` (rows made on demand, any range at a
time); each chunk of ``batch_size`` rows is made *and* labeled by one joblib
task, so that under ``joblib.parallel_backend("dask")`` both steps run on the
cluster's workers and only the chunks' rows and targets come back. Then either

- :func:`materialise` writes the chunks into one preallocated array for a
  student's ``fit`` (peak memory: the transfer set plus a few chunks), or
- :func:`stream_to_student` hands each chunk to the student's ``partial_fit``
  and drops it, pass after pass, so the transfer set is never held whole.
"""

import inspect

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from ._chunks import batch_ranges
from ._progress import Progress

__all__ = ["check_streaming_student", "labeled_chunks", "materialise", "stream_to_student"]


def _make_and_label(source, start, stop, labeler):
    """One joblib task: the rows of a range (made here, or given) and their targets."""
    rows = source if isinstance(source, np.ndarray) else source.rows(start, stop)
    return rows, labeler(rows)


def _task(plan, start, stop, labeler):
    if plan.generates:
        # The plan itself travels (a small state: data rows, neighbours, a key);
        # the worker makes the rows.
        return delayed(_make_and_label)(plan, start, stop, labeler)
    # Rows made already: send only this chunk of them, not the whole array.
    return delayed(_make_and_label)(plan.rows(start, stop), start, stop, labeler)


def labeled_chunks(plan, labeler, ranges, n_jobs, *, bounded=False):
    """Yield ``(start, stop, rows, targets)`` for each range of ``plan``, in order.

    Parameters
    ----------
    plan : TransferPlan
        The transfer set.
    labeler : callable
        Rows to targets (a :class:`~skmetamorph._labeling.ChunkLabeler`).
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
            yield (start, stop) + _make_and_label(plan.rows(start, stop), start, stop, labeler)
        return
    try:
        parallel = Parallel(n_jobs=n_jobs, return_as="generator")
    except ValueError as exc:  # a backend that cannot stream results (multiprocessing)
        if "return_as" not in str(exc):
            raise
        parallel, bounded = Parallel(n_jobs=n_jobs), True
    window = 2 * max(effective_n_jobs(n_jobs), 1) if bounded else len(ranges)
    with parallel:
        for first in range(0, len(ranges), window):
            part = ranges[first : first + window]
            results = parallel(_task(plan, start, stop, labeler) for start, stop in part)
            # results first: zip then runs joblib's generator to its end.
            for (rows, targets), (start, stop) in zip(results, part):
                yield start, stop, rows, targets


def materialise(plan, labeler, head_rows, head_targets, *, batch_size, n_jobs, progress):
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


def check_streaming_student(student, needs_sample_weight=False):
    """Raise a clear error when ``streaming=True`` cannot work with this student."""
    name = type(student).__name__
    if not callable(getattr(student, "partial_fit", None)):
        raise ValueError(
            f"streaming=True trains the student chunk by chunk with partial_fit, and "
            f"{name} has no partial_fit. Use a student that has one (SGDClassifier, "
            "SGDRegressor, MLPClassifier, MLPRegressor, MultinomialNB, a skorch net, ...) "
            "or streaming=False."
        )
    if needs_sample_weight and not accepts_parameter(student.partial_fit, "sample_weight"):
        raise ValueError(
            f"labels='soft' with streaming=True repeats each row per class with "
            f"sample_weight, and {name}.partial_fit has no sample_weight. Use labels='hard', "
            "or a student whose partial_fit takes sample_weight."
        )


def accepts_parameter(method, name):
    """Whether ``method`` has a parameter ``name`` (or takes ``**kwargs``)."""
    parameters = inspect.signature(method).parameters
    return name in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


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
    owner,
    verbose,
):
    """Train a student chunk by chunk, ``n_passes`` times over the transfer set.

    Each pass makes and labels every chunk of ``plan`` again (a chunk's rows
    depend only on its position, so every pass sees the same transfer set)
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
    owner : str
        Name in the progress lines.
    verbose : int
        Progress lines when >= 1.
    """
    transfer = batch_ranges(len(plan), batch_size)
    head = batch_ranges(head_rows.shape[0], batch_size)
    progress = Progress(
        owner, "streaming", n_passes * (len(plan) + head_rows.shape[0]), verbose
    )
    for _ in range(n_passes):
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
