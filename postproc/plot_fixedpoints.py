#!/usr/bin/python3
"""Figure of a netmass fixed-points file (netmass fixedpoints): the eigenvalues of the
Jacobian at every equilibrium, the equilibria region by region, and with continuation
(-cont_parameter) the bifurcation diagram: the branches of equilibria along the parameter,
solid where stable and dashed where unstable, with their fold and Hopf points.

usage: /usr/bin/python3 postproc/plot_fixedpoints.py fp.h5 -o fp.png [--pdf]
Uses Debian's numpy, h5py and matplotlib (run with /usr/bin/python3)."""
import numpy as np

import figure_script
import style
from nmfile import need, text

FORMAT = "netmass-fixedpoints"
CLASSES = ["stable node", "stable focus", "saddle", "unstable node", "unstable focus", "non-hyperbolic"]


def eigenvalue_panel(ax, f):
    re, im, cls = (d[...] for d in need(f, "eigenvalues_real", "eigenvalues_imag", "classification"))
    for k in range(min(len(re), 10)):
        ax.plot(re[k], im[k] / (2 * np.pi), "o", ms=3, alpha=0.7, label=f"root {k}: {CLASSES[int(cls[k, 0])]}")
    ax.axvline(0, color="k", lw=0.6)
    ax.set(xlabel="Re λ (1/s)", ylabel="Im λ / 2π (Hz)", title=f"eigenvalues at {len(re)} root(s)" + (" (first 10)" if len(re) > 10 else ""))
    ax.legend(loc="best")


def roots_panel(fig, ax, f):
    roots = need(f, "roots")[0][...]  # root x region x state
    lo, hi = roots[:, :, 0].min(), roots[:, :, 0].max()
    if hi - lo < 1e-9 * max(1, abs(hi)):  # equal up to rounding: do not colour the rounding
        lo, hi = lo - 0.5, hi + 0.5
    image = ax.imshow(roots[:, :, 0], aspect="auto", cmap=style.MAGNITUDE_CMAP, vmin=lo, vmax=hi)
    ax.set(xlabel="region", ylabel="root", title="equilibria: state 0 of each region")
    ax.set_yticks(range(len(roots)) if len(roots) <= 12 else ax.get_yticks())
    style.colorbar(fig, image, ax, "state 0 (model units)")


def special_point_height(branch, value):
    """Where a special point at parameter `value` sits on its branch (rows: parameter,
    unstable directions, mean state): at the change of stability closest in parameter,
    since folds and Hopf points are where stability changes."""
    p, unstable, y = branch[:, 0], branch[:, 1], branch[:, 2]
    changes = np.flatnonzero(unstable[1:] != unstable[:-1])
    k = changes[np.argmin(np.abs(p[changes] - value))] if len(changes) else np.argmin(np.abs(p - value))
    return y[k]


def bifurcation_panel(ax, f):
    rows = need(f, "branches")[0][...]
    sp = f["special_points"][...] if "special_points" in f else np.zeros((0, 5))  # absent when none was found
    name = text(f.attrs.get("continuation_parameter", b"parameter"))
    nstate = f["roots"].shape[2] if "roots" in f else 1
    # columns: branch, parameter, unstable directions, then region-major states
    height, ylabel = rows[:, 3::nstate].mean(axis=1), "state 0, mean over regions (model units)"
    if np.ptp(height) <= 1e-9 * max(1, np.abs(height).max()):
        # the equilibrium does not move (e.g. the origin of diffusively coupled Hopf nodes):
        # what changes along the branch is its stability
        height, ylabel = rows[:, 2], "unstable directions of the equilibrium"
    lines = {}
    for b in np.unique(rows[:, 0]):
        on = rows[:, 0] == b
        curve = np.column_stack([rows[on, 1], rows[on, 2], height[on]])
        # one line per stretch of constant stability, joined at its ends
        cut = np.flatnonzero(curve[1:, 1] != curve[:-1, 1]) + 1
        for seg in np.split(np.arange(len(curve)), cut):
            seg = np.append(seg, seg[-1] + 1) if seg[-1] + 1 < len(curve) else seg
            kind = "stable" if curve[seg[0], 1] == 0 else "unstable"
            lines[kind], = ax.plot(curve[seg, 0], curve[seg, 2], **(style.STABLE if kind == "stable" else style.UNSTABLE))
        for typ, marker in ((0, style.FOLD_MARKER), (1, style.HOPF_MARKER)):
            at = sp[(sp[:, 0] == typ) & (sp[:, 1] == b)]
            if len(at):
                lines["fold" if typ == 0 else "Hopf"], = ax.plot(at[:, 2], [special_point_height(curve, v) for v in at[:, 2]], **marker)
    ax.set(xlabel=f"continuation parameter {name}", ylabel=ylabel, title=f"bifurcation diagram in {name}: {int((sp[:, 0] == 0).sum())} folds, {int((sp[:, 0] == 1).sum())} Hopf points")
    ax.legend(list(lines.values()), list(lines.keys()), loc="best")


def figures(f, args=None):
    has_roots = "roots" in f
    has_branches = "branches" in f
    n = (2 if has_roots else 0) + has_branches
    fig, ax = style.panels(max(n, 1))
    if has_roots:
        eigenvalue_panel(ax[0], f)
        roots_panel(fig, ax[1], f)
    if has_branches:
        bifurcation_panel(ax[-1], f)
    if not n:
        ax[0].text(0.5, 0.5, "no equilibria found", ha="center", va="center", transform=ax[0].transAxes)
        ax[0].set_axis_off()
    style.finish(fig, f"fixed points of a {text(f.attrs['model'])} network, G {float(f.attrs['G']):g}: {int(f.attrs['n_roots'])} root(s) from {int(f.attrs['solves'])} solves")
    return [("fixedpoints", fig)]


if __name__ == "__main__":
    figure_script.run(__doc__, FORMAT, figures)
