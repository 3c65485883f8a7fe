#!/usr/bin/python3
"""postproc on files written by netmass itself (tiny runs of connectome, simulate,
a synthetic cohort, a 2-axis sweep, analyze, fixedpoints with continuation, phaseplane): every figure script renders a PNG of
the promised size, report.py makes title + one page per file + the FC of the simulation
beside its analysis; and the netmass-phaseplane file holds what docs/file-formats.md
says: the Hopf node's single fixed point at the origin, an unstable focus with
eigenvalues a +- i 2 pi f, and the field of Sip et al. eq. 30-31 at every grid point."""
import os
import shutil
import tempfile

import h5py
import numpy as np

from figcheck import check_png, fail, pdf_pages, run, script

NETMASS = os.environ["NETMASS"]
work = tempfile.mkdtemp(prefix="postproc_netmass_")
d = os.path.join(work, "run")
os.mkdir(d)


def netmass(*args, ranks=1):
    run((["mpiexec", "-n", str(ranks)] if ranks > 1 else []) + [NETMASS, *args])


netmass("connectome", "-type", "ring", "-n", "12", "-o", f"{d}/conn.h5")
netmass("simulate", "-model", "hopf", "-connectome", f"{d}/conn.h5", "-G", "0.3", "-dt", "0.05", "-duration", "200",
        "-monitor_tavg_period", "0.5", "-initial", "normal", "-o", f"{d}/sim.h5")
netmass("analyze", "-i", f"{d}/sim.h5", "-dataset", "tavg", "-o", f"{d}/analysis.h5")
netmass("fixedpoints", "-model", "pmfm", "-connectome_type", "ring", "-connectome_n", "4", "-fp_box", "0,1",
        "-fp_deflation_shift", "100", "-fp_max_solves", "40", "-cont_parameter", "G", "-cont_range", "0,2", "-o", f"{d}/fp.h5")
netmass("simulate", "-options_file", os.path.join(os.environ["NETMASS_SOURCE_DIR"], "inputs", "hopf_cohort.opts"),
        "-cohort_subjects", "2", "-duration", "40", "-o", f"{d}/cohort.h5")
netmass("sweep", "-model", "hopf", "-connectome", f"{d}/conn.h5", "-dt", "0.05", "-duration", "100", "-monitor_tavg_period", "0.5",
        "-sweep_observe", "tavg", "-initial", "normal", "-sweep", "G:0:0.6:3;hopf_a:-0.5,-0.1", "-o", f"{d}/sweep.h5", ranks=2)
a, f_hz = 0.2, 0.05
netmass("phaseplane", "-model", "hopf", "-hopf_a", str(a), "-hopf_f", str(f_hz), "-pp_range", "-1.5,1.5,-1,1.2",
        "-pp_grid", "31,23", "-o", f"{d}/pp.h5", ranks=2)

# The phase-plane file.
with h5py.File(f"{d}/pp.h5", "r") as f:
    x, y, fx, fy = (f[n][...] for n in ("x", "y", "fx", "fy"))
    if fx.shape != (23, 31) or [dim.label for dim in f["fx"].dims] != ["y", "x"] or f["fx"].attrs["units"] != b"1/s":
        fail(f"fx has shape {fx.shape}, dims {[dim.label for dim in f['fx'].dims]}, units {f['fx'].attrs.get('units')}")
    X, Y = np.meshgrid(x, y)
    g, w = a - X ** 2 - Y ** 2, 2 * np.pi * f_hz
    if np.abs(fx - (g * X - w * Y)).max() > 1e-12 or np.abs(fy - (g * Y + w * X)).max() > 1e-12:
        fail("fx, fy differ from the Hopf node's field")
    fp, re, im, cls = (f[n][...] for n in ("fixed_points", "eigenvalues_real", "eigenvalues_imag", "classification"))
    if fp.shape != (1, 2) or np.abs(fp).max() > 1e-12 or int(cls[0, 0]) != 4:
        fail(f"fixed points {fp}, classes {cls}: expected the origin, an unstable focus (4)")
    if np.abs(re[0] - a).max() > 1e-8 or np.abs(im[0] - [w, -w]).max() > 1e-8:
        fail(f"eigenvalues {re[0]} + i {im[0]}, expected {a} +- {w} i")
    if f.attrs["x_state"] != b"x" or f.attrs["mpi_ranks"] != 2:
        fail("phase-plane attributes")

# Each figure script alone.
for name, h5, panels in (("plot_connectome.py", "conn", 3), ("plot_simulation.py", "sim", 3), ("plot_analysis.py", "analysis", 4),
                         ("plot_fixedpoints.py", "fp", 3), ("plot_phaseplane.py", "pp", 1), ("plot_cohort.py", "cohort", 3),
                         ("plot_sweep.py", "sweep", 4)):
    script(name, f"{d}/{h5}.h5", "-o", f"{work}/{h5}.png")
    check_png(f"{work}/{h5}.png", panels)
script("plot_fc.py", f"{d}/sim.h5", f"{d}/analysis.h5", "-o", f"{work}/fc.png")
check_png(f"{work}/fc.png", 3)

# The report: title, 7 files, FC of sim beside analysis (the cohort has other regions).
script("report.py", d)
pages = pdf_pages(f"{d}/report.pdf")
if pages != 9:
    fail(f"report.pdf has {pages} pages, expected 9")
for h5, panels in (("conn", 3), ("sim", 3), ("analysis", 4), ("fp", 3), ("pp", 1), ("cohort", 3), ("sweep", 4), ("fc_sim_vs_analysis", 3)):
    check_png(f"{d}/{h5}.png", panels)
shutil.rmtree(work)
print("OK")
