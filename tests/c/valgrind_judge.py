#!/usr/bin/env python3
"""Judges memcheck's XML output (one file per process) for tests/c/run.sh.

Usage: valgrind_judge.py VG.XML...

Prints every error it counts, with its stack, and a one-line tally per file;
exits 1 if any error counts (or a file is missing, truncated or not
memcheck's), 0 otherwise.

The rule. A memcheck error is Go runtime noise when the innermost frame of
its stack that is not in libc, ld.so or valgrind's preload libraries is in
libredisclient.so: Go code, the runtime's or the library's. Goroutines run
on stacks the runtime carves out of its own mmap'd arenas and switches
between by moving the stack pointer; memcheck takes that for a frame push
or pop and marks the memory past it inaccessible, so Go's later use of
another goroutine's stack (directly, through a syscall's buffer or through
libc's memmove called from cgo) is reported as invalid, unaddressable or
uninitialised. That family has no end of kinds and syscall parameter names,
so it is judged here by where the error happened, not by its name, which a
suppression would have to spell out. The few C functions cgo compiles into
the library go with it: the shipped library is stripped, so they cannot be
told from Go there, and the test checks every buffer they return.
An uninitialised value that the program under test uses counts as noise
too when its origin (run.sh turns on --track-origins) lies in Go code, or
when memcheck knows no origin: it loses none for C's heap and stack.
Everything else counts: an error whose innermost such frame is in the
program under test (or in no object at all), and every leak memcheck
reports (run.sh asks for definite ones only), wherever it was allocated.
"""
import os
import sys
import xml.etree.ElementTree as ET

# Objects looked through to find the code that made the call.
LOOK_THROUGH = ("libc.so", "libc-", "libpthread", "ld-linux", "ld.so", "vgpreload_")
GO_OBJECT = "libredisclient.so"


def frames(stack):
    return stack.findall("frame") if stack is not None else []


def culprit(error, stack=None):
    """The innermost frame not looked through, or None."""
    stack = error.find("stack") if stack is None else stack
    for frame in frames(stack):
        if not os.path.basename(frame.findtext("obj") or "").startswith(LOOK_THROUGH):
            return frame
    return None


def in_go(frame):
    obj = frame.findtext("obj") if frame is not None else None
    return os.path.basename(obj or "").startswith(GO_OBJECT)


def is_go_noise(error):
    kind = error.findtext("kind", "")
    if kind.startswith("Leak_"):
        return False
    if in_go(culprit(error)):
        return True
    # An uninitialised value the test uses but Go memory made: the bytes a
    # call returns are copied out of Go's buffers, which memcheck may think
    # undefined (the stacks above), and the "undefined" travels with them.
    # The origin (--track-origins) says where the memory came from; the
    # test checks the contents of every buffer it gets, so a real
    # uninitialised byte would fail a check instead.
    # With no origin at all, the memory was made undefined where memcheck
    # keeps none: by a stack pointer jump, which in this process is Go
    # switching goroutine stacks. C memory always has one: the heap block
    # or the stack frame it was allocated in (valgrind_bad.c checks both).
    stacks = error.findall("stack")
    if not kind.startswith("Uninit"):
        return False
    return len(stacks) == 1 or in_go(culprit(error, stacks[1]))


def where(frame):
    if frame is None:
        return "?"
    text = frame.findtext("fn") or frame.findtext("ip")
    if frame.findtext("file"):
        text += f" ({frame.findtext('file')}:{frame.findtext('line')})"
    return text


def describe(pid, error):
    """A header line naming the culprit, then the stacks and their notes."""
    what = error.findtext("what") or error.findtext("xwhat/text") or ""
    lines = [f"ERROR pid {pid}: {error.findtext('kind')} in {where(culprit(error))}: {what}"]
    for part in error:
        if part.tag == "stack":
            lines += [f"    {where(f)} in {f.findtext('obj') or '?'}" for f in frames(part)]
        elif part.tag == "auxwhat":
            lines.append(f"  {part.text}")
    return "\n".join(lines)


def judge(path):
    """Returns the number of errors counted in one process's file."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"{path}: cannot read memcheck's XML: {e}")
        return 1
    if root.findtext("protocoltool") != "memcheck":
        print(f"{path}: not memcheck's XML output")
        return 1
    noise, counted = {}, 0
    for error in root.findall("error"):
        if is_go_noise(error):
            kind = error.findtext("kind")
            noise[kind] = noise.get(kind, 0) + 1
            continue
        counted += 1
        print(describe(root.findtext("pid"), error))
    tally = ", ".join(f"{k} {n}" for k, n in sorted(noise.items())) or "none"
    print(f"{path} (pid {root.findtext('pid')}): {counted} errors counted; "
          f"Go runtime noise, distinct stacks: {tally}")
    return counted


def main(paths):
    if not paths:
        print("valgrind_judge.py: no XML files given")
        return 1
    counted = sum([judge(p) for p in paths])  # every file, each printed
    return 1 if counted else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
