#!/usr/bin/python3
"""Figure of a netmass connectome file: weights (log scale), tract lengths, and the
weight-length relation of the edges.

usage: /usr/bin/python3 postproc/plot_connectome.py conn.h5 -o conn.png [--pdf]
Uses Debian's numpy, h5py and matplotlib (run with /usr/bin/python3)."""
import numpy as np

import figure_script
import style
from nmfile import need, text, units

FORMAT = "netmass-connectome"


def figures(f, args=None):
    weights, lengths = need(f, "weights", "tract_lengths")
    w, length = weights[...], lengths[...]
    dims = [d.label for d in weights.dims]
    length_units = units(lengths) or "mm"
    edges = w > 0
    fig, ax = style.panels(3)
    image = ax[0].imshow(np.log10(np.where(edges, w, np.nan)), cmap=style.MAGNITUDE_CMAP)
    ax[0].set(title="weights", ylabel=dims[0], xlabel=dims[1])
    style.colorbar(fig, image, ax[0], "log10 weight")
    image = ax[1].imshow(length, cmap="magma")
    ax[1].set(title="tract lengths", ylabel=dims[0], xlabel=dims[1])
    style.colorbar(fig, image, ax[1], f"length ({length_units})")
    ax[2].loglog(length[edges], w[edges], ".", ms=2, alpha=0.5)
    ax[2].set(xlabel=f"tract length ({length_units})", ylabel="weight", title=f"{edges.sum()} edges, N = {w.shape[0]}")
    style.finish(fig, f"connectome: {text(f.attrs.get('source', b''))[:110]}")
    return [("connectome", fig)]


if __name__ == "__main__":
    figure_script.run(__doc__, FORMAT, figures)
