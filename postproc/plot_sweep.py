#!/usr/bin/python3
"""Figure of a netmass sweep file (netmass sweep): the scores of the model against the
data over the swept parameters, with the best point marked. One swept axis: each score
as a curve along it (FC similarity, mean FC, FCD KS distance, band powers). Two or more:
each score as a map over the first two axes, the others at the best point.

usage: /usr/bin/python3 postproc/plot_sweep.py sweep.h5 -o sweep.png [--pdf]
Points not finished (done = 0) are left out; best_index -1 (none finished yet) marks nothing. Uses Debian's numpy, h5py and matplotlib
(run with /usr/bin/python3)."""
import numpy as np

import figure_script
import style
from nmfile import need, strings, text, units

FORMAT = "netmass-sweep"
SCORES = (("fc_similarity", "FC similarity (Pearson r, model vs data)"),
          ("fc_mean", "mean FC of the model (Pearson r)"),
          ("fcd_ks", "FCD KS distance (model vs data)"))


def axis_label(f, name):
    unit = units(f[f"axis/{name}"])
    return f"{name} ({unit})" if unit else name


def note_if_empty(a, values):
    """Say so on a panel whose score was not computed (no -sweep_target) or not yet."""
    if not np.isfinite(values).any():
        a.text(0.5, 0.5, "not computed\n(no -sweep_target, or no point done)", ha="center", va="center", transform=a.transAxes, color="0.4")


def curves(f, ax, name, done, best):
    x = f[f"axis/{name}"][...]
    for a, (score, label) in zip(ax, SCORES):
        y = np.where(done, f[score][...], np.nan)
        a.plot(x, y, "o-", ms=3, color=style.STABLE["color"])
        note_if_empty(a, y)
        if best >= 0:
            a.plot(x[best], y[best], label=f"best: {name} = {x[best]:g}", **style.BEST_MARKER)
            a.legend(loc="best")
        a.set(xlim=(x.min(), x.max()) if x.min() < x.max() else None, xlabel=axis_label(f, name), ylabel=label, title=score)
    power, edges = need(f, "band_power", "band_edges")
    bands = power[...]
    for b, (lo, hi) in enumerate(edges[...]):
        ax[3].semilogy(x, np.where(done, bands[:, b], np.nan), "o-", ms=3, label=f"{lo:g}-{hi:g} {units(edges) or 'Hz'}")
    if best >= 0:
        ax[3].axvline(x[best], color=style.BEST_MARKER["color"], ls=":", lw=1.2)
    ax[3].set(xlabel=axis_label(f, name), ylabel=f"band power ({units(power).split(' (')[0] or 'model units'})", title="band power (dotted: best point)")
    ax[3].legend(loc="best")


def maps(fig, f, ax, axis_names, points, done, best):
    """Scores over the first two axes, the other axes held at the best point (or at the
    first point while none is finished)."""
    xs, ys = (f[f"axis/{n}"][...] for n in axis_names[:2])
    ref = max(best, 0)
    keep = done & np.all(points[:, 2:] == points[ref, 2:], axis=1)
    ix = np.abs(points[:, :1] - xs[None, :]).argmin(axis=1)  # axes need not be sorted
    iy = np.abs(points[:, 1:2] - ys[None, :]).argmin(axis=1)
    order_x, order_y = np.argsort(xs), np.argsort(ys)
    rank_x, rank_y = np.argsort(order_x), np.argsort(order_y)
    for a, (score, label) in zip(ax, SCORES):
        grid = np.full((len(ys), len(xs)), np.nan)
        values = f[score][...]
        grid[rank_y[iy[keep]], rank_x[ix[keep]]] = values[keep]
        note_if_empty(a, grid)
        image = a.pcolormesh(xs[order_x], ys[order_y], grid, cmap=style.MAGNITUDE_CMAP, shading="nearest")
        style.colorbar(fig, image, a, label)
        if best >= 0:
            a.plot(points[best, 0], points[best, 1], label="best point", **style.BEST_MARKER)
            a.legend(loc="upper right")
        a.set(xlabel=axis_label(f, axis_names[0]), ylabel=axis_label(f, axis_names[1]), title=score)
    along = keep & (points[:, 1] == points[ref, 1])
    along = np.flatnonzero(along)[np.argsort(points[along, 0])]
    name = text(f.attrs["best_score_name"])
    ax[3].plot(points[along, 0], f[name][...][along], "o-", ms=3)
    if best >= 0:
        ax[3].plot(points[best, 0], f[name][best], **style.BEST_MARKER)
    ax[3].set(xlabel=axis_label(f, axis_names[0]), ylabel=name, title=f"{name} along {axis_names[0]} at {axis_names[1]} = {points[ref, 1]:g}")


def figures(f, args=None):
    names_ds, points_ds, done_ds = need(f, "axis_names", "points", "done", *(s for s, _ in SCORES))[:3]
    axis_names, points, done = strings(names_ds), points_ds[...], done_ds[...] > 0
    best = int(f.attrs["best_index"])
    fig, ax = style.panels(4)
    if len(axis_names) == 1:
        curves(f, ax, axis_names[0], done, best)
    else:
        maps(fig, f, ax, axis_names, points, done, best)
    score = text(f.attrs["best_score_name"])
    found = f"best {score} {f[score][best]:.3g} at " + ", ".join(f"{n} = {v:g}" for n, v in zip(axis_names, points[best])) if best >= 0 else "no best point yet"
    style.finish(fig, f"sweep of {' x '.join(axis_names)}: {int(done.sum())} of {len(points)} points done; {found}")
    return [("sweep", fig)]


if __name__ == "__main__":
    figure_script.run(__doc__, FORMAT, figures)
