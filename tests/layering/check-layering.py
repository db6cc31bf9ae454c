#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Copyright (c) 2026 The stlm authors
#
# The layering test: reads the ```layering table of docs/architecture.md
# and every #include of the sources, and fails on any arrow the table does
# not allow. Also checks the rules that go with it:
#   - front ends (cli/, daemon/, examples/) use no library-internal
#     symbol (stlm__*);
#   - no source file is over MAX_LINES lines;
#   - source comments cite only documents that ship in the repository;
#   - the documents (docs/, README.md, man/) name only source files that
#     exist.
#
# Usage: check-layering.py [SRCDIR]      check the tree (default: ../..)
#        check-layering.py --self-test   prove each check fires on a leak
import os
import re
import shutil
import sys
import tempfile

MAX_LINES = 1500
SRC_EXT = (".c", ".h")
SKIP_DIRS = {".git", "subprojects", "node_modules", "__pycache__"}
# Front ends: no library internals by symbol either.
NO_INTERNAL_SYMBOLS = ("cli/", "daemon/", "examples/")

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
DOC_RE = re.compile(r'\b([A-Za-z0-9_./-]+\.md)\b')
# A source path named in a document: a top directory of the tree, then a
# file with a source extension ("lib/backend/stlmd.c"); globs are skipped.
DOC_PATH_RE = re.compile(
    r'(?<![\w/.-])((?:lib|daemon|cli|platform|formats|tests|fuzz|bench|scripts|'
    r'examples|include)/[A-Za-z0-9_./-]+\.(?:c|h|py|sh|json|build))\b')


def parse_table(doc_text):
    """Layers from the ```layering block: [(name, [dirs], [allowed])]."""
    m = re.search(r"```layering\n(.*?)```", doc_text, re.S)
    if not m:
        raise SystemExit("docs/architecture.md has no ```layering block")
    layers = []
    for line in m.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        name = words[0]
        dirs = [w for w in words[1:] if w.endswith("/")]
        allowed = [w for w in words[1 + len(dirs):] if w != "-"]
        if not dirs:
            raise SystemExit(f"layer {name}: no directory")
        layers.append((name, dirs, allowed))
    return layers


def source_files(root):
    out = []
    for d, subdirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        subdirs[:] = [s for s in subdirs if s not in SKIP_DIRS
                      and not (rel == "." and s.startswith("build"))]
        for f in files:
            if f.endswith(SRC_EXT):
                p = os.path.normpath(os.path.join(rel, f))
                out.append(p.replace(os.sep, "/"))
    return sorted(out)


class Checker:
    def __init__(self, root):
        self.root = root
        doc = os.path.join(root, "docs", "architecture.md")
        with open(doc, encoding="utf-8") as fh:
            self.layers = parse_table(fh.read())
        self.files = source_files(root)
        self.headers = [f for f in self.files if f.endswith(".h")]
        self.errors = []
        shipped = set()
        for d, subdirs, files in os.walk(root):
            subdirs[:] = [s for s in subdirs if s not in SKIP_DIRS
                          and not s.startswith("build")]
            for f in files:
                if f.endswith(".md"):
                    shipped.add(f)
        self.shipped_docs = shipped

    def layer_of(self, path):
        best, best_len = None, -1
        for name, dirs, _ in self.layers:
            for d in dirs:
                if path.startswith(d) and len(d) > best_len:
                    best, best_len = name, len(d)
        return best

    def allowed(self, layer):
        for name, _, allowed in self.layers:
            if name == layer:
                return allowed
        return []

    def resolve(self, src, kind, inc):
        """The repository file an include names, or None (system/generated)."""
        if kind == "<":
            if inc.startswith("stlm/"):
                p = "include/" + inc
                return p if p in self.files else None
            return None
        here = os.path.normpath(os.path.join(os.path.dirname(src), inc))
        here = here.replace(os.sep, "/")
        if here in self.files:
            return here
        cands = [h for h in self.headers
                 if h == inc or h.endswith("/" + inc)]
        if len(cands) == 1:
            return cands[0]
        if len(cands) > 1:
            # Prefer a candidate in the including file's own layer.
            mine = [c for c in cands
                    if self.layer_of(c) == self.layer_of(src)]
            if len(mine) == 1:
                return mine[0]
            self.errors.append(
                f"{src}: ambiguous #include \"{inc}\" ({', '.join(cands)}): "
                "name it by a path that resolves to one file")
        return None

    def check_includes(self, src, text):
        layer = self.layer_of(src)
        if layer is None:
            self.errors.append(f"{src}: in no layer of docs/architecture.md")
            return
        allowed = self.allowed(layer)
        if "*" in allowed:
            return
        for m in INCLUDE_RE.finditer(text):
            kind, inc = m.group(1), m.group(2)
            target = self.resolve(src, kind, inc)
            if target is None:
                continue
            tl = self.layer_of(target)
            if tl == layer or target in allowed or tl in allowed:
                continue
            line = text.count("\n", 0, m.start()) + 1
            self.errors.append(
                f"{src}:{line}: layer '{layer}' may not include {target} "
                f"(layer '{tl}'); docs/architecture.md allows: "
                f"{' '.join(allowed) or 'nothing'}")

    def check_symbols(self, src, text):
        if not src.startswith(NO_INTERNAL_SYMBOLS):
            return
        code = strip_comments_and_strings(text)
        for m in re.finditer(r"\bstlm__\w+", code):
            line = code.count("\n", 0, m.start()) + 1
            self.errors.append(
                f"{src}:{line}: uses library-internal symbol {m.group(0)}")

    def check_size(self, src, text):
        n = text.count("\n")
        if n > MAX_LINES and self.layer_of(src) != "tests":
            self.errors.append(f"{src}: {n} lines (limit {MAX_LINES})")

    def check_citations(self, src, text):
        for c in comments(text):
            for m in DOC_RE.finditer(c):
                name = os.path.basename(m.group(1))
                if name not in self.shipped_docs:
                    self.errors.append(
                        f"{src}: comment cites {m.group(1)}, which does not "
                        "ship in the repository")

    def check_doc_paths(self):
        docs = []
        for d in ("docs", "man"):
            base = os.path.join(self.root, d)
            if os.path.isdir(base):
                docs += [os.path.join(d, f) for f in sorted(os.listdir(base))
                         if os.path.isfile(os.path.join(base, f))]
        if os.path.exists(os.path.join(self.root, "README.md")):
            docs.append("README.md")
        for doc in docs:
            with open(os.path.join(self.root, doc), encoding="utf-8",
                      errors="replace") as fh:
                text = fh.read()
            for m in DOC_PATH_RE.finditer(text):
                p = m.group(1)
                if not os.path.exists(os.path.join(self.root, p)):
                    line = text.count("\n", 0, m.start()) + 1
                    self.errors.append(
                        f"{doc}:{line}: names {p}, which does not exist")

    def run(self):
        self.check_doc_paths()
        for src in self.files:
            with open(os.path.join(self.root, src), encoding="utf-8",
                      errors="replace") as fh:
                text = fh.read()
            self.check_includes(src, text)
            self.check_symbols(src, text)
            self.check_size(src, text)
            self.check_citations(src, text)
        return self.errors


def comments(text):
    """The text of every /* */ and // comment."""
    out = []
    for m in re.finditer(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'",
                         text, re.S):
        tok = m.group(0)
        if tok.startswith("/"):
            out.append(tok)
    return out


def strip_comments_and_strings(text):
    def blank(m):
        tok = m.group(0)
        return re.sub(r"[^\n]", " ", tok)
    return re.sub(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'",
                  blank, text, flags=re.S)


def self_test(root):
    """Plant each known kind of leak in a copy of the tree's skeleton and
    check that it is reported; then check the clean skeleton passes."""
    leaks = {
        "daemon includes the session internals":
            ("daemon/leak.c", '#include "session.h"\n'),
        "emulator includes a library header":
            ("platform/leak.c", '#include "catalog.h"\n'),
        "CLI includes a library header":
            ("cli/leak.c", '#include "catalog.h"\n'),
        "CLI calls a library-internal function":
            ("cli/leak.c", "int f(void) { return stlm__catalog_read(0); }\n"),
        "daemon calls a library-internal function":
            ("daemon/leak.c", "void g(void) { stlm__xfer(0); }\n"),
        "example includes a library header":
            ("examples/leak.c", '#include "session.h"\n'),
        "formats includes the codec":
            ("formats/leak.c", '#include "scmi.h"\n'),
        "codec includes a transport":
            ("lib/proto/leak.c", '#include "transport.h"\n'),
        "backend includes a core header other than the session's":
            ("lib/backend/leak.c", '#include "catalog.h"\n'),
        "core includes a backend's private header":
            ("lib/leak.c", '#include "scmi-backend.h"\n'),
        "core includes a transport":
            ("lib/leak.c", '#include "transport.h"\n'),
        "file over the size limit":
            ("lib/leak.c", "int x;\n" * (MAX_LINES + 1)),
        "comment cites a document that does not ship":
            ("lib/leak.c", "/* see not-in-the-repo.md */\n"),
        "a document names a source file that is gone":
            ("docs/leak.md", "Code: `lib/stlmd.c`.\n"),
    }
    skeleton = {
        "docs/architecture.md": None,  # copied from the real tree
        "tests/layering/check-layering.py": None,
        "include/stlm/stlm.h": "",
        "lib/session.h": "", "lib/catalog.h": "", "lib/owner.h": "",
        "lib/backend/backend.h": "", "lib/transport/transport.h": "",
        "lib/backend/scmi-backend.h": "",
        "lib/proto/scmi.h": "", "lib/proto/stlmd-wire.h": "",
        "formats/units.h": "", "platform/platform.h": "",
        "daemon/ok.c": '#include <stlm/stlm.h>\n#include "owner.h"\n',
        "cli/ok.c": '#include <stlm/stlm.h>\n#include "platform.h"\n',
        "platform/ok.c": '#include "scmi.h"\n#include "units.h"\n',
        "lib/backend/ok.c": '#include "backend.h"\n#include "transport.h"\n'
                            '#include "session.h"\n',
        "lib/ok.c": '#include "session.h"\n#include "backend.h"\n'
                    '/* see architecture.md */\n',
        "tests/ok.c": '#include "session.h"\n#include "transport.h"\n',
    }
    failures = 0
    for what, (path, body) in [("clean skeleton", (None, None))] + \
            list(leaks.items()):
        tmp = tempfile.mkdtemp(prefix="stlm-layering-")
        try:
            for p, content in skeleton.items():
                os.makedirs(os.path.join(tmp, os.path.dirname(p)),
                            exist_ok=True)
                if content is None:
                    shutil.copy(os.path.join(root, p), os.path.join(tmp, p))
                else:
                    with open(os.path.join(tmp, p), "w") as fh:
                        fh.write(content)
            if path:
                os.makedirs(os.path.join(tmp, os.path.dirname(path)),
                            exist_ok=True)
                with open(os.path.join(tmp, path), "a") as fh:
                    fh.write(body)
            errs = Checker(tmp).run()
        finally:
            shutil.rmtree(tmp)
        ok = (not errs) if path is None else \
            any(e.startswith(path) for e in errs)
        print(f"{'ok' if ok else 'FAIL'}: {what}"
              + ("" if ok else f" ({errs or 'not reported'})"))
        failures += not ok
    return failures


def main():
    args = sys.argv[1:]
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    if args and args[0] == "--self-test":
        bad = self_test(root)
        print(f"self-test: {bad} failed")
        return 1 if bad else 0
    if args:
        root = args[0]
    errors = Checker(root).run()
    for e in errors:
        print(e)
    print(f"layering: {len(errors)} violation(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
