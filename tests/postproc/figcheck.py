"""Checks shared by the postproc tests: a PNG decodes and has the size the style module
promises; a PDF has the expected number of pages; a command succeeds or fails as told."""
import os
import re
import struct
import subprocess
import sys

SOURCE = os.environ.get("NETMASS_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
POSTPROC = os.path.join(SOURCE, "postproc")
sys.path.insert(0, POSTPROC)
import style  # noqa: E402
from matplotlib import image as mpimg  # noqa: E402

PYTHON = "/usr/bin/python3"


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def run(args, expect=0):
    """Run args; fail unless the exit status is `expect`. Returns (stdout, stderr)."""
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != expect:
        fail(f"{' '.join(args)} exited {p.returncode}, expected {expect}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p.stdout, p.stderr


def script(name, *args, expect=0):
    return run([PYTHON, os.path.join(POSTPROC, name), *args], expect)


def check_png(path, panels, rows=1):
    """path is a PNG (signature, IHDR) that decodes, of the size of style.panels(panels, rows)."""
    want = style.pixel_size(panels, rows)
    if not os.path.isfile(path):
        fail(f"{path} was not written")
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        fail(f"{path} is not a PNG file")
    size = struct.unpack(">II", head[16:24])
    pixels = mpimg.imread(path)
    if size != want or pixels.shape[:2] != (want[1], want[0]):
        fail(f"{path} is {size[0]} x {size[1]} pixels (decoded {pixels.shape}), expected {want[0]} x {want[1]}")
    if pixels[..., :3].std() == 0:
        fail(f"{path} is blank")


def pdf_pages(path):
    """Number of page objects (/Type /Page, not /Pages) of a PDF."""
    with open(path, "rb") as f:
        return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", f.read()))
