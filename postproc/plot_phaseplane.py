#!/usr/bin/python3
"""Phase portrait of one node model from a netmass phase-plane file (netmass phaseplane),
as in Sip et al., Sci. Adv. 2023, Fig. 5B: the vector field (stream lines over its speed),
the nullclines (zero contours of the two components of the field) and the fixed points,
filled when stable, open when unstable, crossed when a saddle.

usage: /usr/bin/python3 postproc/plot_phaseplane.py pp.h5 -o pp.png [--pdf]
Uses Debian's numpy, h5py and matplotlib (run with /usr/bin/python3)."""
import textwrap

import numpy as np

import figure_script
import style
from nmfile import need, strings, text, units

FORMAT = "netmass-phaseplane"
STABLE_CLASSES = (0, 1)  # stable node, stable focus (docs/file-formats.md)
SADDLE = 2


def axis_label(f, which):
    unit = units(f[which])
    return f"{text(f.attrs[which + '_state'])}" + (f" ({unit})" if unit and unit != "1" else " (dimensionless)")


def draw_fixed_points(ax, f):
    """Markers by stability; returns the legend handles drawn."""
    if "fixed_points" not in f:
        return []
    xy, cls = f["fixed_points"][...], f["classification"][...][:, 0].astype(int)
    drawn = []
    for label, pick, marker in (("stable fixed point", np.isin(cls, STABLE_CLASSES), dict(marker="o", mfc="k", mec="k")),
                                ("saddle", cls == SADDLE, dict(marker="X", mfc="w", mec="k")),
                                ("unstable fixed point", ~np.isin(cls, STABLE_CLASSES + (SADDLE,)), dict(marker="o", mfc="w", mec="k"))):
        if pick.any():
            drawn.append(ax.plot(xy[pick, 0], xy[pick, 1], ls="none", ms=8, mew=1.5, label=label, zorder=6, **marker)[0])
    return drawn


def figures(f, args=None):
    x, y, fx, fy = (d[...] for d in need(f, "x", "y", "fx", "fy"))
    names, values = strings(need(f, "parameter_names")[0]), f["parameters"][...]
    speed = np.hypot(fx, fy)
    fig, ax = style.panels(1)
    ax = ax[0]
    image = ax.pcolormesh(x, y, np.log10(np.maximum(speed, speed[speed > 0].min() if (speed > 0).any() else 1)), cmap="Greys", alpha=0.35, shading="auto")
    style.colorbar(fig, image, ax, f"log10 speed |f| ({units(f['fx'])})")
    ax.streamplot(x, y, fx, fy, color="0.35", density=1.1, linewidth=0.6, arrowsize=0.8)
    handles = []
    for field, colour, label in ((fx, "#1f4e9c", f"{text(f.attrs['x_state'])}-nullcline"), (fy, "#c0392b", f"{text(f.attrs['y_state'])}-nullcline")):
        if field.min() < 0 < field.max():
            ax.contour(x, y, field, levels=[0], colors=colour, linewidths=1.6)
            handles.append(ax.plot([], [], color=colour, lw=1.6, label=label)[0])
    handles += draw_fixed_points(ax, f)
    ax.set(xlim=(x[0], x[-1]), ylim=(y[0], y[-1]), xlabel=axis_label(f, "x"), ylabel=axis_label(f, "y"))
    about = "parameters: " + ", ".join(f"{n} {v:g}" for n, v in zip(names, values))
    held = [(n, v) for k, (n, v) in enumerate(zip(strings(f["state_names"]), f["hold"][...])) if k not in (int(f.attrs["x_index"]), int(f.attrs["y_index"]))]
    if held:
        about += "; held: " + ", ".join(f"{n} {v:g}" for n, v in held)
    ax.set_title(textwrap.fill(about, 70), fontsize=7)
    ax.legend(handles=handles, loc="upper right", framealpha=0.8, frameon=True)
    style.finish(fig, f"phase plane of one {text(f.attrs['model'])} node: {int(f.attrs['n_fixed_points'])} fixed point(s)")
    return [("phaseplane", fig)]


if __name__ == "__main__":
    figure_script.run(__doc__, FORMAT, figures)
