#!/usr/bin/python3
"""Figure of a netmass simulation file: time series of a few regions, their power
spectrum, and the functional connectivity (FC, Pearson correlation between regions) of
the BOLD monitor when there is one, else of the states.

usage: /usr/bin/python3 postproc/plot_simulation.py sim.h5 -o sim.png
Uses Debian's numpy, h5py and matplotlib (run with /usr/bin/python3)."""
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from nmfile import open_netmass, text  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("simulation", help="netmass simulation file (.h5)")
    parser.add_argument("-o", "--output", required=True, help="figure file (.png, .pdf)")
    args = parser.parse_args()

    with open_netmass(args.simulation, "netmass-simulation", parser) as f:
        monitor = "raw" if "raw" in f else "tavg"
        x = f[monitor][:, :, 0]  # time x region, first state
        dt = float(f[monitor].attrs["dt"])
        t0 = float(f[monitor].attrs["t0"])
        state = text(f[monitor].attrs["state_names"]).split(",")[0]
        bold = f["bold"][...] if "bold" in f else None
        model = text(f.attrs["model"])
        title = f"{model}, {x.shape[1]} regions, delay {text(f.attrs['delay'])}, G {float(f.attrs['G']):g}, complete {int(f.attrs['complete'])}"

    t = t0 + dt * np.arange(x.shape[0])
    fig, ax = plt.subplots(1, 3, figsize=(14, 4))
    for r in range(min(5, x.shape[1])):
        ax[0].plot(t, x[:, r], lw=0.7)
    ax[0].set(xlabel="time (s)", ylabel=state, title=f"{monitor} monitor, regions 0-4")
    xc = x - x.mean(axis=0)
    power = (np.abs(np.fft.rfft(xc, axis=0)) ** 2).mean(axis=1)
    freq = np.fft.rfftfreq(x.shape[0], dt)
    ax[1].semilogy(freq[1:], power[1:])
    ax[1].set(xlabel="frequency (Hz)", ylabel="power (mean over regions)", title="spectrum")
    signal, name = (bold, "BOLD") if bold is not None else (x, monitor)
    fc = np.corrcoef(signal.T)
    im = ax[2].imshow(fc, vmin=-1, vmax=1, cmap="RdBu_r", interpolation="nearest")
    ax[2].set(title=f"FC of {name}", xlabel="region", ylabel="region")
    fig.colorbar(im, ax=ax[2], shrink=0.8)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)


if __name__ == "__main__":
    main()
