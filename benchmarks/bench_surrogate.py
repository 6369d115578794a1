"""Surrogates of simulations: quality vs number of simulation calls, and the speed-up.

Two "simulations" are wrapped as :class:`skmetamorph.FunctionTeacher`:

- ``oscillator``: a driven, damped oscillator ``x'' + 2 zeta w x' + w^2 x =
  F cos(W t)``, ``x(0) = 1``, ``x'(0) = 0``, solved with
  :func:`scipy.integrate.solve_ivp` (DOP853, rtol 1e-6) row by row, one ODE
  solve per call (about 10 ms);
  inputs ``(zeta, w, F, W)``, two outputs: the RMS displacement and the mean
  energy over ``t`` in ``[10, 20]``;
- ``borehole``: the standard 8-input borehole test function (water flow
  through a borehole; Morris et al. 1993), vectorised and cheap, to show the
  method in more dimensions.

For each number of simulation calls ``n``, a student is fitted with
``MetamorphosisRegressor(FunctionTeacher(sim), student, sampler).fit()`` --
no data at all, the sampler defines the domain -- for Sobol, Latin hypercube
and Halton designs, and for independent uniform rows as the baseline. The
surrogate is scored on 2,000 fresh uniform rows: R² against the simulation
(which is also its fidelity, the simulation being deterministic) and the time
to predict them compared with the time the simulation takes.

Usage::

    python benchmarks/bench_surrogate.py --quick   # < 2 min
    python benchmarks/bench_surrogate.py           # full

Writes ``results/surrogate.json`` (``surrogate_quick.json``; the folder is
``--results-dir``) and a PNG plot, and prints Markdown tables on stdout. While
it runs, one progress line per fitted surrogate (and per simulation's test
set) with an ETA goes to stderr.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp
from sklearn.ensemble import ExtraTreesRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS_DIR, Steps, markdown_table, write_json  # noqa: E402

from skmetamorph import FunctionTeacher, MetamorphosisRegressor  # noqa: E402
from skmetamorph.samplers import (  # noqa: E402
    HaltonSampler,
    LatinHypercubeSampler,
    PoolSampler,
    SobolSampler,
)

# ----------------------------------------------------------------- simulations
OSCILLATOR_BOUNDS = [(0.1, 0.5), (0.5, 2.0), (0.0, 1.0), (0.5, 2.0)]  # zeta, w, F, W
T_END = 20.0


def oscillator(row):
    """RMS displacement and mean energy over t in [10, 20] of a driven, damped oscillator.

    Time averages rather than values at one instant: a value at a fixed time
    oscillates with the phase of the motion, which no smooth surrogate follows.
    """
    zeta, w, force, drive = row

    def rhs(t, state):
        x, v = state
        return [v, force * np.cos(drive * t) - 2 * zeta * w * v - w**2 * x]

    t_eval = np.linspace(0.0, T_END, 401)
    sol = solve_ivp(
        rhs, (0.0, T_END), [1.0, 0.0], method="DOP853", t_eval=t_eval, rtol=1e-6, atol=1e-8
    )
    late = sol.t >= T_END / 2
    x, v = sol.y[:, late]
    return np.array([np.sqrt(np.mean(x**2)), np.mean(0.5 * v**2 + 0.5 * w**2 * x**2)])


BOREHOLE_BOUNDS = [
    (0.05, 0.15),  # rw: radius of the borehole (m)
    (100.0, 50000.0),  # r: radius of influence (m)
    (63070.0, 115600.0),  # Tu: transmissivity of the upper aquifer
    (990.0, 1110.0),  # Hu: potentiometric head of the upper aquifer (m)
    (63.1, 116.0),  # Tl: transmissivity of the lower aquifer
    (700.0, 820.0),  # Hl: potentiometric head of the lower aquifer (m)
    (1120.0, 1680.0),  # L: length of the borehole (m)
    (9855.0, 12045.0),  # Kw: hydraulic conductivity of the borehole
]


def borehole(X):
    """Water flow rate through a borehole (m^3/yr), vectorised over rows."""
    rw, r, tu, hu, tl, hl, length, kw = X.T
    log_ratio = np.log(r / rw)
    return (2 * np.pi * tu * (hu - hl)) / (
        log_ratio * (1 + 2 * length * tu / (log_ratio * rw**2 * kw) + tu / tl)
    )


SIMULATIONS = {
    "oscillator": {"bounds": OSCILLATOR_BOUNDS, "func": oscillator, "vectorized": False},
    "borehole": {"bounds": BOREHOLE_BOUNDS, "func": borehole, "vectorized": True},
}


# -------------------------------------------------------------------- students
def make_student(name, n_features, seed):
    # Inputs are scaled to [0, 1] so that one length-scale prior fits all of
    # them; WhiteKernel absorbs the ODE solver's tiny numerical noise, and its
    # low upper bound keeps the optimiser from explaining everything as noise
    # (which an RBF kernel did at 128 rows in a pilot run; Matern 5/2 is also
    # more robust there).
    if name == "gp":
        kernel = ConstantKernel(1.0) * Matern(
            length_scale=np.full(n_features, 0.5), length_scale_bounds=(1e-2, 1e2), nu=2.5
        ) + WhiteKernel(1e-6, noise_level_bounds=(1e-10, 1e-4))
        return make_pipeline(
            MinMaxScaler(),
            GaussianProcessRegressor(kernel, normalize_y=True, random_state=seed),
        )
    return ExtraTreesRegressor(n_estimators=200, random_state=seed, n_jobs=1)


def make_sampler(name, n, bounds, seed):
    kind = {"sobol": SobolSampler, "lhs": LatinHypercubeSampler, "halton": HaltonSampler}
    return kind[name](n_samples=n, bounds=bounds, random_state=seed)


def uniform_rows(n, bounds, rng):
    low, high = np.array(bounds).T
    return rng.uniform(low, high, size=(n, len(bounds)))


def fit_surrogate(sim, sampler_name, student_name, n, seed, n_jobs):
    spec = SIMULATIONS[sim]
    teacher = FunctionTeacher(spec["func"], vectorized=spec["vectorized"], n_jobs=n_jobs)
    student = make_student(student_name, len(spec["bounds"]), seed)
    start = time.perf_counter()
    with warnings.catch_warnings():
        # The GP's optimiser may stop at a length-scale bound on tiny designs.
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        if sampler_name == "random":
            # No quasi-random design: i.i.d. uniform rows, labeled by the simulation.
            X_rows = uniform_rows(n, spec["bounds"], np.random.default_rng(seed))
            reg = MetamorphosisRegressor(
                teacher, student, PoolSampler(pool="all"), random_state=seed
            ).fit(X_rows)
        else:
            reg = MetamorphosisRegressor(
                teacher,
                student,
                make_sampler(sampler_name, n, spec["bounds"], seed),
                random_state=seed,
            ).fit()
    return reg, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="n <= 128, one seed")
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument("--seeds", type=int, default=None, help="repeats (3; quick: 1)")
    parser.add_argument("--gp-max-n", type=int, default=512, help="largest design for the GP")
    parser.add_argument("--n-test", type=int, default=None, help="test rows (2000; quick 1000)")
    parser.add_argument("--n-jobs", type=int, default=2, help="parallel simulation calls")
    parser.add_argument("--simulations", nargs="+", default=list(SIMULATIONS))
    parser.add_argument("--output", default=None, help="JSON name in --results-dir")
    parser.add_argument(
        "--results-dir", default=str(RESULTS_DIR), help="folder of the JSON and PNG (results/)"
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or ([16, 32, 64, 128] if args.quick else [16, 32, 64, 128, 256, 512])
    seeds = range(args.seeds or (1 if args.quick else 3))
    args.n_test = args.n_test or (1000 if args.quick else 2000)
    output = args.output or ("surrogate_quick.json" if args.quick else "surrogate.json")
    samplers = ["sobol", "lhs", "halton", "random"]
    students = ["gp", "extra_trees"]

    def fits(sim):
        """The (student, sampler, n, seed) fits of one simulation, in the order they run."""
        return [
            (st, sa, n, se)
            for st in students
            for sa in samplers
            for n in sizes
            for se in seeds
            if not (st == "gp" and n > args.gp_max_n)
        ]

    # One step per simulation's test set (the simulation run on it) and per fit.
    steps = Steps(
        sum(1 + len(fits(sim)) for sim in args.simulations),
        "steps",
        name="bench_surrogate",
    )
    records, speed = [], {}
    for sim in args.simulations:
        spec = SIMULATIONS[sim]
        steps.step(f"{sim}: test set, {args.n_test} simulation calls")
        X_test = uniform_rows(args.n_test, spec["bounds"], np.random.default_rng(12345))
        serial = FunctionTeacher(spec["func"], vectorized=spec["vectorized"]).fit()
        start = time.perf_counter()
        y_test = serial.predict(X_test)
        simulation_seconds = time.perf_counter() - start
        speed[sim] = {"simulation_seconds": simulation_seconds, "n_test": args.n_test}
        print(f"{sim}: {args.n_test} simulation calls take {simulation_seconds:.3g} s (serial)")
        for student, sampler, n, seed in fits(sim):
            steps.step(f"{sim}: {student} on {n} {sampler} calls, seed {seed}")
            reg, fit_seconds = fit_surrogate(sim, sampler, student, n, seed, args.n_jobs)
            start = time.perf_counter()
            y_pred = reg.predict(X_test)
            predict_seconds = time.perf_counter() - start
            r2_outputs = np.atleast_1d(r2_score(y_test, y_pred, multioutput="raw_values"))
            records.append(
                {
                    "simulation": sim,
                    "student": student,
                    "sampler": sampler,
                    "n_calls": n,
                    "seed": seed,
                    "r2": float(r2_outputs.mean()),
                    "r2_per_output": r2_outputs.tolist(),
                    # reg.fidelity(X_test) would run the simulation on the
                    # test rows again; its teacher outputs are y_test, so
                    # fidelity_score's R² is computed from them directly.
                    "fidelity": float(r2_score(y_test, y_pred)),
                    "fit_seconds": fit_seconds,
                    "predict_seconds": predict_seconds,
                    "speedup": simulation_seconds / predict_seconds,
                }
            )
    steps.close()

    table = summarise(records)
    print_tables(table, speed, sizes)
    path = write_json(
        output,
        {
            "benchmark": "surrogates of simulations",
            "config": {
                "sizes": sizes,
                "seeds": list(seeds),
                "samplers": {
                    "sobol": "SobolSampler(n_samples=n, bounds)",
                    "lhs": "LatinHypercubeSampler(n_samples=n, bounds)",
                    "halton": "HaltonSampler(n_samples=n, bounds)",
                    "random": "i.i.d. uniform rows in the bounds, PoolSampler(pool='all')",
                },
                "students": {
                    "gp": "MinMaxScaler + GaussianProcessRegressor(C * Matern52(ARD) + White, "
                    f"normalize_y=True), designs up to {args.gp_max_n} rows",
                    "extra_trees": "ExtraTreesRegressor(n_estimators=200)",
                },
                "test": f"{args.n_test} i.i.d. uniform rows, seed 12345",
                "simulations": {
                    "oscillator": "solve_ivp (DOP853, rtol 1e-6) of x'' + 2 zeta w x' + w^2 x = "
                    "F cos(W t), x(0)=1, x'(0)=0 on [0, 20]; outputs RMS x and mean energy "
                    f"over t in [10, 20]; bounds (zeta, w, F, W) = {OSCILLATOR_BOUNDS}",
                    "borehole": "standard 8-input borehole function (Morris et al. 1993)",
                },
                "n_jobs": args.n_jobs,
            },
            "simulation_time": speed,
            "summary": table,
            "records": records,
        },
        results_dir=args.results_dir,
    )
    png = path.with_suffix(".png")
    plot(table, png, sizes)
    print(f"wrote {path} and {png}")
    return 0


def summarise(records):
    keys = sorted({(r["simulation"], r["student"], r["sampler"], r["n_calls"]) for r in records})
    table = []
    for sim, student, sampler, n in keys:
        rows = [
            r
            for r in records
            if (r["simulation"], r["student"], r["sampler"], r["n_calls"])
            == (sim, student, sampler, n)
        ]
        table.append(
            {
                "simulation": sim,
                "student": student,
                "sampler": sampler,
                "n_calls": n,
                "r2": float(np.mean([r["r2"] for r in rows])),
                "r2_std": float(np.std([r["r2"] for r in rows])),
                "r2_per_output": np.mean([r["r2_per_output"] for r in rows], axis=0).tolist(),
                "fidelity": float(np.mean([r["fidelity"] for r in rows])),
                "fit_seconds": float(np.mean([r["fit_seconds"] for r in rows])),
                "predict_seconds": float(np.mean([r["predict_seconds"] for r in rows])),
                "speedup": float(np.mean([r["speedup"] for r in rows])),
            }
        )
    return table


def print_tables(table, speed, sizes):
    for sim in dict.fromkeys(r["simulation"] for r in table):
        print(f"\n## {sim}: R² of the surrogate on held-out rows vs simulation calls\n")
        header = ["student", "sampler"] + [str(n) for n in sizes]
        rows = []
        for student in dict.fromkeys(r["student"] for r in table):
            for sampler in dict.fromkeys(r["sampler"] for r in table):
                cells = {
                    r["n_calls"]: f"{r['r2']:.3f}"
                    for r in table
                    if (r["simulation"], r["student"], r["sampler"]) == (sim, student, sampler)
                }
                rows.append([student, sampler] + [cells.get(n, "-") for n in sizes])
        print(markdown_table(header, rows))
        print(
            f"\nSpeed-up of predicting {speed[sim]['n_test']} rows with the surrogate "
            f"(simulation: {speed[sim]['simulation_seconds']:.3g} s):\n"
        )
        header = ["student", "n_calls", "predict s", "speed-up"]
        rows = [
            [r["student"], r["n_calls"], f"{r['predict_seconds']:.4f}", f"{r['speedup']:.3g}x"]
            for r in table
            if r["simulation"] == sim
            and r["sampler"] == "sobol"
            and r["n_calls"] in (max(x["n_calls"] for x in table if x["student"] == r["student"]),)
        ]
        print(markdown_table(header, rows))


def plot(table, path, sizes):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sims = list(dict.fromkeys(r["simulation"] for r in table))
    fig, axes = plt.subplots(1, len(sims), figsize=(5.5 * len(sims), 4), squeeze=False)
    styles = {"gp": "-", "extra_trees": "--"}
    for ax, sim in zip(axes[0], sims):
        for student in styles:
            for i, sampler in enumerate(dict.fromkeys(r["sampler"] for r in table)):
                rows = [
                    r
                    for r in table
                    if (r["simulation"], r["student"], r["sampler"]) == (sim, student, sampler)
                ]
                if not rows:
                    continue
                ax.plot(
                    [r["n_calls"] for r in rows],
                    [max(r["r2"], 0.0) for r in rows],
                    styles[student],
                    marker="o",
                    markersize=3,
                    color=f"C{i}",
                    label=f"{student}, {sampler}",
                )
        ax.set_xscale("log", base=2)
        ax.set_xlabel("simulation calls (transfer-set size)")
        ax.set_ylabel("R² on held-out rows (= fidelity)")
        ax.set_title(sim)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
