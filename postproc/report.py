#!/usr/bin/python3
"""One report of everything in a netmass run folder: every netmass HDF5 file (*.h5) in
RUN_DIR is drawn by the figure script of its format (root attribute `format`), each
figure is written as RUN_DIR/<file>[_<figure>].png, and all of them, after a title page
listing the files and their provenance, as the pages of RUN_DIR/report.pdf. When the
folder holds a simulation and data (a cohort with BOLD or an analysis) of the same
regions, a page shows their FC side by side.

usage: /usr/bin/python3 postproc/report.py RUN_DIR
Files of formats postproc does not draw are listed on the title page. A file that cannot
be read, or lacks what its format promises, gets one error line on stderr naming it; the
report is still written, and the exit status is 1. Uses Debian's numpy, h5py and
matplotlib (run with /usr/bin/python3)."""
import argparse
import datetime
import glob
import os
import sys
import textwrap

import h5py
from matplotlib.backends.backend_pdf import PdfPages

import figure_script
import plot_analysis
import plot_cohort
import plot_connectome
import plot_evaluation
import plot_fc
import plot_fixedpoints
import plot_phaseplane
import plot_simulation
import plot_sweep
import plot_training
import style
from nmfile import LayoutError, provenance, text

DRAWN = {m.FORMAT: m.figures for m in (plot_connectome, plot_cohort, plot_simulation, plot_analysis, plot_fixedpoints,
                                       plot_phaseplane, plot_sweep, plot_training, plot_evaluation)}
LINES_PER_TITLE_PAGE = 80


class Entry:
    """One .h5 file of the folder: its format, provenance, figures or why it has none."""

    def __init__(self, path):
        self.path, self.name = path, os.path.basename(path)
        self.format, self.provenance, self.figures, self.note, self.fc = "?", {}, [], "", None


def read(entry):
    """Draw entry's figures; returns an error line or None."""
    try:
        f = h5py.File(entry.path, "r")
    except OSError:
        entry.note = "unreadable: not an HDF5 file, or corrupt or truncated"
        return f"{entry.path}: not a readable HDF5 file (corrupt or truncated?)"
    with f:
        entry.format = text(f.attrs.get("format", b"(no format attribute)"))
        entry.provenance = provenance(f)
        if entry.format not in DRAWN:
            entry.note = "not drawn: postproc does not know this format"
            return None
        try:
            entry.figures = DRAWN[entry.format](f)
            entry.fc = plot_fc.fc_of(f)
        except (LayoutError, KeyError, ValueError, IndexError) as e:
            entry.note = f"not drawn: {e}"
            return f"{entry.path}: does not have the layout of a {entry.format} file: {e}"
    return None


def fc_pages(entries):
    """(name, figure) for each simulation beside the first data source of its size."""
    data = [e for e in entries if e.fc is not None and e.format in ("netmass-cohort", "netmass-analysis")]
    pages = []
    for model in (e for e in entries if e.fc is not None and e.format == "netmass-simulation"):
        match = next((d for d in data if d.fc[0].shape == model.fc[0].shape), None)
        if match:
            name = f"fc_{os.path.splitext(model.name)[0]}_vs_{os.path.splitext(match.name)[0]}"
            pages.append((name, plot_fc.figure(model.fc, match.fc)))
    return pages


def title_lines(entries, npages):
    """The title page: one block per file (format, provenance, command line, figures)."""
    lines = [f"generated {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')} by postproc/report.py: "
             f"{len(entries)} netmass file(s), {npages} figure page(s) after this one", ""]
    for e in entries:
        p = e.provenance
        lines.append(f"{e.name:<42} {e.format:<22} created {p.get('created', '?')}, {p.get('mpi_ranks', '?')} MPI rank(s), netmass {p.get('netmass_version', '?')}")
        lines += textwrap.wrap(p.get("command_line", ""), 150, initial_indent="    $ ", subsequent_indent="        ")
        if e.figures:
            lines.append("    figures: " + ", ".join(n for n, _ in e.figures))
        if e.note:
            lines.append(f"    {e.note}")
    for label, chosen in (("not drawn, format unknown to postproc", [e for e in entries if e.note.startswith("not drawn: postproc")]),
                          ("unreadable or not as their format promises", [e for e in entries if e.note and not e.note.startswith("not drawn: postproc")])):
        if chosen:
            lines += ["", f"{label}: " + ", ".join(f"{e.name} ({e.format})" for e in chosen)]
    return lines


def title_pages(run_dir, lines):
    """Pages of text, the first headed by the run folder."""
    pages = []
    for start in range(0, max(len(lines), 1), LINES_PER_TITLE_PAGE):
        fig = style.plt.figure(figsize=(11.69, 8.27))
        head = f"netmass report: {os.path.abspath(run_dir)}" + (" (continued)" if start else "")
        fig.text(0.05, 0.95, head, fontsize=14, weight="bold", va="top")
        fig.text(0.05, 0.89, "\n".join(lines[start:start + LINES_PER_TITLE_PAGE]), fontsize=7, family="monospace", va="top")
        pages.append(fig)
    return pages


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", help="folder of netmass .h5 files")
    args = parser.parse_args()
    if not os.path.isdir(args.run_dir):
        parser.error(f"{args.run_dir}: no such folder")
    entries = [Entry(p) for p in sorted(glob.glob(os.path.join(args.run_dir, "*.h5")))]
    errors = [line for line in map(read, entries) if line]
    for line in errors:
        print(f"report.py: error: {line}", file=sys.stderr)
    figures = []
    for e in entries:
        stem = os.path.join(args.run_dir, os.path.splitext(e.name)[0])
        figures += zip(figure_script.output_paths(stem + ".png", [n for n, _ in e.figures]), (fig for _, fig in e.figures))
    figures += [(os.path.join(args.run_dir, name + ".png"), fig) for name, fig in fc_pages(entries)]
    pdf_path = os.path.join(args.run_dir, "report.pdf")
    titles = title_pages(args.run_dir, title_lines(entries, len(figures)))
    with PdfPages(pdf_path) as pdf:
        for fig in titles:
            pdf.savefig(fig)
            style.plt.close(fig)
        for path, fig in figures:
            fig.savefig(path)
            pdf.savefig(fig)
            style.plt.close(fig)
    print(f"report.py: wrote {pdf_path} ({len(titles)} title page(s), {len(figures)} figure(s), PNG files beside it)")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
