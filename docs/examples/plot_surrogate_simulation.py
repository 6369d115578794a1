"""
=============================================
A surrogate of a simulation
=============================================

A simulation is a teacher that needs no training: it already knows the
answer, it is just slow to give it. A *surrogate* is a student that learns to
give the same answers in microseconds, from as few simulation runs as
possible.

Here the simulation integrates the flight of a projectile with air drag, step
by step, and returns how far it lands. Inputs: launch speed, launch angle and
drag coefficient. :class:`~skmetamorph.FunctionTeacher` makes the function a
teacher; :class:`~skmetamorph.samplers.SobolSampler` chooses the runs (a
quasi-random design that covers the input box evenly); a Gaussian process is
the student. No data is needed: ``fit()`` takes no arguments.
"""

# %%
# The simulation
# --------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skmetamorph import FunctionTeacher, MetamorphosisRegressor
from skmetamorph.samplers import SobolSampler, UniformSampler


def projectile_range(X, dt=0.005):
    """Horizontal distance (m) flown before landing, by explicit Euler steps.

    Columns of X: speed (m/s), angle (degrees), drag coefficient (1/m).
    """
    speed, angle, drag = X[:, 0], np.deg2rad(X[:, 1]), X[:, 2]
    x, height = np.zeros(len(X)), np.zeros(len(X))
    vx, vy = speed * np.cos(angle), speed * np.sin(angle)
    landed_at = np.full(len(X), np.nan)
    for _ in range(20_000):
        v = np.hypot(vx, vy)
        vx, vy = vx - drag * v * vx * dt, vy - (9.81 + drag * v * vy) * dt
        x, height = x + vx * dt, height + vy * dt
        landing = np.isnan(landed_at) & (height < 0)
        landed_at[landing] = x[landing]
        if not np.isnan(landed_at).any():
            break
    return landed_at


bounds = [(10.0, 50.0), (10.0, 80.0), (0.0, 0.02)]
names = ["speed (m/s)", "angle (°)", "drag (1/m)"]

# Without drag the range is v² sin(2θ) / g: a check of the simulation.
print(projectile_range(np.array([[30.0, 45.0, 0.0]])), 30.0**2 / 9.81)

# %%
# This simulation is vectorised and fast, so that the example runs in
# seconds; imagine minutes per run, as for a real one. We can afford 1000
# test runs here, to measure how well the surrogate does.
rng = np.random.default_rng(0)
X_test = np.column_stack([rng.uniform(low, high, 1000) for low, high in bounds])
y_test = projectile_range(X_test)


# %%
# The surrogate
# -------------
# The teacher is the function; the transfer set is a Sobol' design of 64
# runs over the box; the student is a Gaussian process with one length scale
# per input, on inputs scaled to [0, 1]. A tiny ``alpha`` (a nugget) keeps
# the fit well conditioned although the simulation has no noise.
def gaussian_process():
    kernel = ConstantKernel(1.0, (1e-2, 1e2)) * RBF([0.5, 0.5, 0.5], (1e-2, 1e2))
    gp = GaussianProcessRegressor(kernel, alpha=1e-5, normalize_y=True)
    return make_pipeline(MinMaxScaler(), gp)


surrogate = MetamorphosisRegressor(
    FunctionTeacher(projectile_range),
    gaussian_process(),
    SobolSampler(n_samples=64, bounds=bounds),
    random_state=0,
).fit()
print(f"fidelity (R² against the simulation) on 1000 test points: {surrogate.fidelity(X_test):.4f}")

# %%
# How many runs are needed?
# -------------------------
# Sobol' designs against plain random designs (independent uniform draws in
# the box, :class:`~skmetamorph.samplers.UniformSampler`, which takes the box
# from the rows it is given: here the two corners of the domain). The error is
# measured on the test points, in metres.
corners = np.array(bounds).T
designs = {
    # Sobol' points over the bounds: no data needed, fit() takes no rows.
    "Sobol' design": lambda n: (SobolSampler(n_samples=n, bounds=bounds), None),
    # Uniform draws in the box of the rows given to fit(): the two corners.
    # All rows are unlabeled (y=None), so only the sampler uses them.
    "random design": lambda n: (UniformSampler(n_samples=n), corners),
}
sizes = [16, 32, 64, 128]
errors = {name: [] for name in designs}
for n in sizes:
    for name, design in designs.items():
        sampler, X_fit = design(n)
        model = MetamorphosisRegressor(
            FunctionTeacher(projectile_range), gaussian_process(), sampler, random_state=0
        ).fit(X_fit)
        residual = model.predict(X_test) - y_test
        errors[name].append(np.sqrt(np.mean(residual**2)))
    print(f"{n:4d} runs: " + ", ".join(f"{k} {v[-1]:.2f} m" for k, v in errors.items()))

fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.8))
for name, values in errors.items():
    axes[0].loglog(sizes, values, marker="o", label=name)
axes[0].set_xticks(sizes, [str(n) for n in sizes])
axes[0].minorticks_off()
axes[0].set_xlabel("simulation runs (transfer set size)")
axes[0].set_ylabel("RMS error of the surrogate (m)")
axes[0].set_title("Error against the number of runs")
axes[0].legend()

# Right: the surrogate against the simulation, along the launch angle at a
# speed of 30 m/s, for three drag coefficients.
angles = np.linspace(10, 80, 200)
for drag, color in zip([0.0, 0.005, 0.02], ["tab:blue", "tab:orange", "tab:green"]):
    X_line = np.column_stack([np.full_like(angles, 30.0), angles, np.full_like(angles, drag)])
    axes[1].plot(angles, projectile_range(X_line), color=color, label=f"drag {drag}")
    axes[1].plot(angles, surrogate.predict(X_line), color=color, linestyle="--")
axes[1].set_xlabel(names[1])
axes[1].set_ylabel("range (m)")
axes[1].set_title("simulation (solid) and surrogate (dashed)")
axes[1].legend()
fig.tight_layout()
plt.show()

# %%
# Beyond a handful of runs, the Sobol' design reaches a given error with
# fewer simulation runs than random draws (one random design per size here, so
# its curve is noisy): its points leave no large holes in the box. With a real
# simulation of minutes per run, that is the difference that matters, and the
# surrogate, once trained, answers in microseconds.
