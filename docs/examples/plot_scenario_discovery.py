"""
=====================================================
Scenario discovery: PRIM boxes from a few simulations
=====================================================

Where in its input space does a simulation do something interesting? PRIM
answers with boxes: one range per input. It needs many runs, so with an
expensive simulation REDS (Arzamasov et al.) first fits a metamodel on a few
runs and lets PRIM peel a large sample that the metamodel labels with its
probabilities. In skmetamorph that is one
:class:`~skmetamorph.MetamorphosisClassifier`: the metamodel is the teacher,
a Sobol sample over the inputs' bounds the transfer set, and
:class:`~skmetamorph.scenario.PRIM` the student.
"""

# %%
# The simulation and 200 runs
# ---------------------------
# Two separate regions in ``(x0, x1)`` are interesting; ``x2`` plays no part.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from sklearn.ensemble import RandomForestClassifier

from skmetamorph import FunctionTeacher, MetamorphosisClassifier
from skmetamorph.metrics import pr_auc_score
from skmetamorph.rules import extract_rules
from skmetamorph.samplers import LatinHypercubeSampler, SobolSampler
from skmetamorph.scenario import PRIM


def simulation(X):
    low = (X[:, 0] < 0.35) & (X[:, 1] < 0.4)
    high = (X[:, 0] > 0.6) & (X[:, 1] > 0.65)
    return (low | high).astype(int)


bounds = [(0.0, 1.0)] * 3
X_runs = LatinHypercubeSampler(n_samples=200, bounds=bounds, random_state=0).fit_generate(None)
y_runs = FunctionTeacher(simulation, task="classification", classes=[0, 1]).fit().predict(X_runs)
print(f"{y_runs.sum()} of {len(y_runs)} runs are interesting")

# %%
# PRIM on the runs, and PRIM on the metamodel
# -------------------------------------------
# Two boxes each (covering); PRIM peels with Friedman & Fisher's original
# criterion (the mean of the box, as REDS does) down to 5% of the rows, and
# each box is the densest step that still holds 30% of the interesting rows.
raw = PRIM(objective="original", coverage_target=0.3, n_boxes=2).fit(X_runs, y_runs)
reds = MetamorphosisClassifier(
    teacher=RandomForestClassifier(n_estimators=200, min_samples_leaf=2, random_state=0),
    student=PRIM(objective="original", coverage_target=0.3, n_boxes=2),
    transfer_sampler=SobolSampler(n_samples=2**14, bounds=bounds, random_state=0),
    labels="soft",
    random_state=0,
).fit(X_runs, y_runs)

# %%
# Scored on 20,000 fresh rows: the boxes as rules, and the area under the
# first box's peeling trajectory.
rng = np.random.default_rng(1)
X_test = rng.uniform(size=(20_000, 3))
y_test = simulation(X_test)
for name, model, prim in (("runs", raw, raw), ("metamodel", reds, reds.student_)):
    test = prim.trajectory_scores(X_test, y_test)
    print(f"PRIM on the {name}: PR-AUC {pr_auc_score(test['coverage'], test['density']):.3f}")
    print(extract_rules(model, X_test, y_test))

# %%
# The boxes over a slice of the simulation
# ----------------------------------------
# The interesting region at ``x2 = 0.5`` (it does not depend on ``x2``), the
# runs, and the boxes: dashed from the runs alone, solid from the metamodel.
grid = np.linspace(0, 1, 300)
g0, g1 = np.meshgrid(grid, grid)
plane = np.column_stack([g0.ravel(), g1.ravel(), np.full(g0.size, 0.5)])
fig, ax = plt.subplots(figsize=(5.5, 5))
ax.contourf(g0, g1, simulation(plane).reshape(g0.shape), levels=[0.5, 1.5], colors=["#fde0c5"])
ax.scatter(*X_runs[:, :2].T, c=y_runs, cmap="coolwarm", s=12, edgecolor="none")
for prim, style, label in ((raw, "--", "runs"), (reds.student_, "-", "metamodel")):
    for k, box in enumerate(prim.boxes_):
        x_low, y_low = np.clip(box[0, :2], 0, 1)  # infinite limits: the domain's edge
        x_high, y_high = np.clip(box[1, :2], 0, 1)
        ax.add_patch(
            Rectangle(
                (x_low, y_low),
                x_high - x_low,
                y_high - y_low,
                fill=False,
                linestyle=style,
                linewidth=2,
                edgecolor="black" if label == "metamodel" else "dimgray",
                label=f"PRIM on the {label}" if k == 0 else None,
            )
        )
ax.set(
    xlim=(0, 1),
    ylim=(0, 1),
    xlabel="x0",
    ylabel="x1",
    title="Interesting region (shaded), runs and PRIM boxes",
)
ax.legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()

# %%
# On 200 runs PRIM cannot cut the two corners apart: every 5% peel of the
# square removes as many interesting runs as others, and the densest box
# holding 30% of them is one large box around both (density 0.26); no second
# box holds 30% of what is left. The metamodel's 16,384 labelled rows let
# PRIM peel finely enough to separate the corners: two boxes of density 1.
# ``benchmarks/bench_scenario.py`` measures this on REDS's test functions
# against the number of simulation calls.
