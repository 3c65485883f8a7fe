#!/usr/bin/python3
"""postproc on files in the agreed layouts of sweep, model and evaluation files
(make_fixtures.py): every figure renders to a PNG of the promised size; report.py makes
one PDF with a title page and one page per figure; a file of an unknown format is
listed, not an error; a corrupt file and a file missing a dataset of its format each give
one error line naming the file; a file of the wrong format is refused."""
import os
import shutil
import tempfile

from figcheck import check_png, fail, pdf_pages, run, script, PYTHON

HERE = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp(prefix="postproc_figures_")
fix = os.path.join(work, "run")
run([PYTHON, os.path.join(HERE, "make_fixtures.py"), fix])

# Each figure script alone: (script, input, outputs with (panels, rows)).
for name, h5, outputs in (("plot_sweep.py", "sweep_G.h5", {"sweep_G.png": (4, 1)}),
                          ("plot_sweep.py", "sweep_G_a.h5", {"sweep_G_a.png": (4, 1)}),
                          ("plot_sweep.py", "sweep_started.h5", {"sweep_started.png": (4, 1)}),
                          ("plot_training.py", "model.h5", {"model.png": (3, 1)}),
                          ("plot_evaluation.py", "evaluation.h5", {"evaluation_recovery.png": (3, 1), "evaluation_fit.png": (3, 1)})):
    out = os.path.join(work, os.path.splitext(h5)[0] + ".png")
    script(name, os.path.join(fix, h5), "-o", out, "--pdf")
    for png, (panels, rows) in outputs.items():
        check_png(os.path.join(work, png), panels, rows)
        if not os.path.getsize(os.path.join(work, png[:-4] + ".pdf")):
            fail(f"--pdf did not write {png[:-4]}.pdf")

# Refused: a file of another format, with one line naming it.
_, err = script("plot_sweep.py", os.path.join(fix, "model.h5"), "-o", os.path.join(work, "x.png"), expect=2)
if "model.h5 is a netmass-model file, not a netmass-sweep file" not in err:
    fail(f"wrong-format message: {err}")

# The report: title page + sweep_G, sweep_G_a, sweep_started, model, evaluation (2 figures) = 7 pages.
out, err = script("report.py", fix)
if err:
    fail(f"report.py wrote to stderr on good files: {err}")
if pdf_pages(os.path.join(fix, "report.pdf")) != 7:
    fail(f"report.pdf has {pdf_pages(os.path.join(fix, 'report.pdf'))} pages, expected 7")
for png, panels in (("sweep_G.png", 4), ("sweep_G_a.png", 4), ("model.png", 3), ("evaluation_recovery.png", 3), ("evaluation_fit.png", 3)):
    check_png(os.path.join(fix, png), panels)
if os.path.exists(os.path.join(fix, "unknown.png")):
    fail("a figure was drawn for a file of unknown format")
import report  # noqa: E402  (figcheck put postproc/ on the path)
entries = [report.Entry(os.path.join(fix, n)) for n in ("model.h5", "unknown.h5")]
for e in entries:
    report.read(e)
lines = report.title_lines(entries, 1)
if not any("not drawn, format unknown to postproc: unknown.h5 (netmass-something-new)" in line for line in lines):
    fail("the title page does not list the unknown format:\n" + "\n".join(lines))
if not any(line.startswith("model.h5") and "netmass 0.1.0 (fixture)" in line and "2 MPI rank(s)" in line for line in lines):
    fail("the title page does not show the provenance of model.h5:\n" + "\n".join(lines))

# A corrupt file and a sweep without fc_mean: one error line each, the rest still reported.
bad = os.path.join(work, "bad")
shutil.copytree(fix, bad)
with open(os.path.join(bad, "corrupt.h5"), "wb") as f:
    f.write(b"\x89HDF\r\n\x1a\n" + os.urandom(2000))
import h5py  # noqa: E402
with h5py.File(os.path.join(bad, "sweep_G.h5"), "a") as f:
    del f["fc_mean"]
_, err = script("report.py", bad, expect=1)
lines = err.strip().splitlines()
if len(lines) != 2 or not lines[0].startswith("report.py: error: ") or "corrupt.h5: not a readable HDF5 file" not in lines[0] \
        or "sweep_G.h5: does not have the layout of a netmass-sweep file" not in lines[1] or "fc_mean" not in lines[1]:
    fail(f"expected one error line for corrupt.h5 and one for sweep_G.h5, got:\n{err}")
if pdf_pages(os.path.join(bad, "report.pdf")) != 6:
    fail(f"report.pdf of the folder with bad files has {pdf_pages(os.path.join(bad, 'report.pdf'))} pages, expected 6")

shutil.rmtree(work)
print("OK")
