#!/usr/bin/python3
"""Figure of a netmass simulation file: time series of a few regions, their power
spectrum, and the functional connectivity (FC, Pearson correlation between regions) of
the BOLD monitor when there is one, else of the states.

usage: /usr/bin/python3 postproc/plot_simulation.py sim.h5 -o sim.png [--pdf]
Uses Debian's numpy, h5py and matplotlib (run with /usr/bin/python3)."""
import numpy as np

import figure_script
import style
from nmfile import LayoutError, text

FORMAT = "netmass-simulation"


def spectrum(x, dt):
    """Frequencies (Hz) and the periodogram averaged over the columns of x (time x region)."""
    xc = x - x.mean(axis=0)
    power = (np.abs(np.fft.rfft(xc, axis=0)) ** 2).mean(axis=1) * dt / len(x)
    return np.fft.rfftfreq(len(x), dt), power


def figures(f, args=None):
    monitor = next((m for m in ("raw", "tavg") if m in f), None)
    if monitor is None and "bold" not in f:
        raise LayoutError("a netmass-simulation file needs a monitor dataset (raw, tavg or bold); it has none")
    if monitor is None:
        monitor, x, state = "bold", f["bold"][...], "BOLD (a.u.)"
    else:
        x = f[monitor][:, :, 0]  # time x region, first state
        state = text(f[monitor].attrs["state_names"]).split(",")[0]
    valid = np.all(np.isfinite(x), axis=1)  # an incomplete run leaves NaN rows
    x = x[valid]
    dt = float(f[monitor].attrs["dt"])
    t0 = float(f[monitor].attrs["t0"])
    bold = f["bold"][...] if "bold" in f else None
    title = f"{text(f.attrs['model'])}: {x.shape[1]} regions, delay {text(f.attrs['delay'])}, G {float(f.attrs['G']):g}, complete {int(f.attrs['complete'])}"

    fig, ax = style.panels(3)
    shown = min(len(x), 1000)  # a readable stretch of the record
    t = t0 + dt * np.arange(shown)
    for r in range(min(3, x.shape[1])):
        ax[0].plot(t, x[:shown, r], lw=0.7, label=f"region {r}")
    ax[0].set(xlabel="time (s)", ylabel=state, title=f"{monitor} monitor, first {shown * dt:g} s")
    ax[0].legend(loc="upper right", ncol=3)
    freq, power = spectrum(x, dt)
    ax[1].semilogy(freq[1:], power[1:])
    ax[1].set(xlabel="frequency (Hz)", ylabel=f"power of {state}, mean over regions ((units of {state})²/Hz)", title=f"spectrum of the {monitor} monitor")
    signal, name = (bold[np.all(np.isfinite(bold), axis=1)], "BOLD") if bold is not None else (x, monitor)
    style.correlation_matrix(fig, ax[2], np.corrcoef(signal.T), f"FC of the {name} signal")
    style.finish(fig, title)
    return [("simulation", fig)]


if __name__ == "__main__":
    figure_script.run(__doc__, FORMAT, figures)
