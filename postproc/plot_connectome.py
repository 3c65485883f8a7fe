#!/usr/bin/python3
"""Figure of a netmass connectome file: weights (log scale), tract lengths, and the
weight-length relation of the edges.

usage: /usr/bin/python3 postproc/plot_connectome.py conn.h5 -o conn.png
Uses Debian's numpy, h5py and matplotlib (run with /usr/bin/python3)."""
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from nmfile import open_netmass, text  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("connectome", help="netmass connectome file (.h5)")
    parser.add_argument("-o", "--output", required=True, help="figure file (.png, .pdf)")
    args = parser.parse_args()

    with open_netmass(args.connectome, "netmass-connectome", parser) as f:
        w = f["weights"][...]
        length = f["tract_lengths"][...]
        dims = [d.label for d in f["weights"].dims]
        source = text(f.attrs["source"])

    edges = w > 0
    fig, ax = plt.subplots(1, 3, figsize=(13, 4))
    shown = np.where(edges, w, np.nan)
    im = ax[0].imshow(np.log10(shown), cmap="viridis", interpolation="nearest")
    ax[0].set(title="log10 weight", ylabel=dims[0], xlabel=dims[1])
    fig.colorbar(im, ax=ax[0], shrink=0.8)
    im = ax[1].imshow(length, cmap="magma", interpolation="nearest")
    ax[1].set(title="tract length (mm)", ylabel=dims[0], xlabel=dims[1])
    fig.colorbar(im, ax=ax[1], shrink=0.8)
    ax[2].loglog(length[edges], w[edges], ".", ms=2, alpha=0.5)
    ax[2].set(xlabel="tract length (mm)", ylabel="weight", title=f"{edges.sum()} edges, N = {w.shape[0]}")
    fig.suptitle(source[:120], fontsize=8)
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)


if __name__ == "__main__":
    main()
