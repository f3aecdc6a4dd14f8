#!/usr/bin/env python3
"""Builds the model pair's training corpus from the English documentation that Debian packages install.

The packages below are fetched with `apt-get download` and unpacked with `dpkg-deb -x` into a staging folder (nothing is
installed system-wide, and dpkg's path excludes in slim images cannot drop their docs). Text comes from their HTML
(/usr/share/doc and other /usr/share folders), man pages (/usr/share/man/man*, English only) and info pages (/usr/share/info, one document per node).
Navigation lines repeated across a package's pages are dropped, documents are deduplicated on their normalized text
across packages, and then SHUFFLED across packages with a fixed seed, so a token cap applied later (`ragstack models
tokenize --max-tokens`) takes every package in proportion instead of cutting the last ones off.

Writes into --out:
  docs.jsonl     training documents, shuffled: {"package", "source", "text"} per line
  heldout.jsonl  held-out documents (2 % of documents chosen by a hash of their path), never trained on
  heldout.txt    the first held-out documents up to --heldout-chars, for the benchmark's perplexity
  manifest.json  the packages with their versions and per-package document and character counts

Usage: python3 build_corpus.py --out DIR [--cache DIR] [--jobs 2]
Then:  ragstack models tokenize --vocab ggml-vocab-llama-spm.gguf --input DIR/docs.jsonl --output DIR/train.u16 --max-tokens 24000000
"""

import argparse
import collections
import concurrent.futures
import gzip
import hashlib
import html.parser
import json
import os
import random
import re
import subprocess
import sys

# Debian 12 (bookworm) packages with English documentation, all in main. Each brings HTML, man or info pages.
PACKAGES = [
    "python3.11-doc", "postgresql-doc-15", "debian-reference-en", "debian-handbook", "maint-guide",
    "developers-reference", "debian-policy", "git-doc", "manpages", "manpages-dev", "glibc-doc",
    "bash-doc", "coreutils", "tar", "grep", "sed", "findutils", "diffutils", "gettext-doc", "autoconf-doc",
    "m4-doc", "flex-doc", "binutils-doc", "readline-doc", "sqlite3-doc", "nginx-doc", "apache2-doc", "r-doc-html",
    "gnuplot-doc", "tcl8.6-doc", "cmake-doc", "sphinx-doc", "rsync", "openssh-client", "systemd", "libssl-doc",
    "libcurl4-doc", "zsh-doc", "tmux", "vim-doc",
]

HELDOUT_MODULO = 50          # 1 document in 50 is held out
MIN_CHARS = 300              # shorter documents are navigation pages, stubs or aliases
MAX_CHARS = 400_000          # longer ones are indexes or generated references; cut there
SHUFFLE_SEED = 17
SKIP_HTML = re.compile(r"(^|/)(genindex[^/]*|py-modindex|modindex|search|index-[^/]*|searchindex)\.html?$", re.I)
MAN_DIR = re.compile(r"/usr/share/man/man[0-9n][^/]*/[^/]+$")
# Folders of translations (the handbook's de-DE/, Apache's manual/fr/): only English is kept.
OTHER_LANGUAGE = re.compile(r"/(ar|bg|ca|cs|da|de|el|es|et|eu|fa|fi|fr|gl|he|hr|hu|id|it|ja|ko|lt|nb|nl|pl|pt|ro|ru|sk|sl|sr|sv|th|tr|uk|vi|zh)([-_][a-zA-Z]{2,4})?/", re.I)


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


def fetch(packages, cache):
    """Downloads each package's .deb (apt-get download) and unpacks it; returns {package: (version, root)}."""
    debs = os.path.join(cache, "debs")
    os.makedirs(debs, exist_ok=True)
    missing = [p for p in packages if not any(f.startswith(p + "_") for f in os.listdir(debs))]
    if missing:
        run(["apt-get", "download", "-q"] + missing, cwd=debs)
    result = {}
    for package in packages:
        files = sorted(f for f in os.listdir(debs) if f.startswith(package + "_") and f.endswith(".deb"))
        if not files:
            sys.exit(f"{package}: apt-get download left no .deb in {debs}")
        deb = os.path.join(debs, files[-1])
        version = subprocess.run(["dpkg-deb", "-f", deb, "Version"], check=True, capture_output=True, text=True).stdout.strip()
        root = os.path.join(cache, "root", package)
        if not os.path.isdir(root):
            os.makedirs(os.path.dirname(root), exist_ok=True)
            run(["dpkg-deb", "-x", deb, root + ".tmp"])
            os.rename(root + ".tmp", root)
        result[package] = (version, root)
    return result


class HtmlText(html.parser.HTMLParser):
    """The visible text of an HTML page: blocks on their own lines, <pre> kept as written, scripts and navigation dropped."""

    BLOCK = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
             "section", "article", "blockquote", "br", "hr", "pre", "caption", "figcaption", "td", "th"}
    SKIP = {"script", "style", "head", "nav", "noscript", "svg", "button"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip = 0
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        cls = dict(attrs).get("class") or ""
        if tag == "div" and any(c in cls for c in ("sphinxsidebar", "related", "footer", "navheader", "navfooter", "headerlink")):
            self.skip += 1
            self.parts.append(("skipdiv", None))
            return
        if tag == "div":
            self.parts.append(("div", None))
        if tag == "pre":
            self.pre += 1
        if tag in self.BLOCK:
            self.parts.append("\n\n" if tag in ("p", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table", "dl") else "\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip > 0:
            self.skip -= 1
        if tag == "div":
            # Close the innermost open div; if it was a skipped one, resume output.
            for i in range(len(self.parts) - 1, -1, -1):
                part = self.parts[i]
                if isinstance(part, tuple):
                    kind = part[0]
                    self.parts[i] = ""
                    if kind == "skipdiv" and self.skip > 0:
                        self.skip -= 1
                    break
        if tag == "pre" and self.pre > 0:
            self.pre -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.skip:
            return
        self.parts.append(data if self.pre else re.sub(r"\s+", " ", data))

    def text(self):
        return "".join(p for p in self.parts if isinstance(p, str))


def html_text(path):
    with open(path, "rb") as f:
        raw = f.read()
    parser = HtmlText()
    parser.feed(raw.decode("utf-8", errors="replace"))
    parser.close()
    return tidy(parser.text(), rewrap=False)


def read_maybe_gz(path):
    with open(path, "rb") as f:
        raw = f.read()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8", errors="replace")


def man_text(path):
    source = read_maybe_gz(path)
    if source.lstrip().startswith(".so ") and len(source) < 200:
        return ""  # an alias of another page
    rendered = subprocess.run(
        ["groff", "-t", "-mandoc", "-Tutf8", "-P-cbou", "-rLL=78n", "-rLT=78n"],
        input=source.encode("utf-8"), capture_output=True, timeout=60).stdout.decode("utf-8", errors="replace")
    rendered = re.sub("\u2010\n\\s*", "", rendered)          # words hyphenated at a line end
    return tidy(rendered, rewrap=True)


def info_nodes(path):
    text = read_maybe_gz(path)
    nodes = []
    for part in text.split("\x1f"):
        part = part.lstrip("\n")
        if part.startswith("Tag Table:") or part.startswith("Indirect:") or part.startswith("End Tag Table") or part.startswith("Local Variables"):
            continue
        lines = part.split("\n")
        if lines and lines[0].startswith("File:"):
            lines = lines[1:]
        elif lines and lines[0].startswith("This is "):
            continue  # the file header (makeinfo's banner and the directory entry)
        nodes.append(tidy("\n".join(lines), rewrap=True))
    return nodes


def tidy(text, rewrap):
    """Strips control characters and trailing spaces; with rewrap, joins the lines of each paragraph into one."""
    text = text.replace("\r", "").replace("\u00a0", " ")
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)
    lines = [line.rstrip() for line in text.split("\n")]
    if rewrap:
        # Blocks (separated by blank lines) end with a blank line; inside a block, a list item or option, a change of
        # indentation (code, tables; a list item's hanging indent excepted), a line after a short one (headings, menu
        # entries) or an underline starts a new line; other lines continue the one before.
        blocks, block, current, previous, previous_indent, hanging = [], [], [], "", 0, False
        for line in lines + [""]:
            stripped = line.strip()
            if not stripped:
                if current:
                    block.append(" ".join(current))
                if block:
                    blocks.append("\n".join(block))
                block, current, previous = [], [], ""
                continue
            indent = len(line) - len(line.lstrip())
            item = re.match(r"^([-*•]|\d+\.|--?\w)", stripped) is not None
            first_line_indented = len(current) == 1 and not item and indent < previous_indent and len(previous) >= 45
            continues = (hanging and indent > previous_indent) or first_line_indented
            if current and not continues and (item or indent != previous_indent or len(previous) < 45
                                              or set(stripped) <= set("=-*~_.")):
                block.append(" ".join(current))
                current = []
            current.append(re.sub(r"(?<=\S) {2,}(?=\S)", " ", stripped))   # justified text's padding
            if not continues or first_line_indented:
                previous_indent, hanging = indent, item
            previous = stripped
        text = "\n\n".join(blocks)
    else:
        text = "\n".join(lines)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def extract(package, root):
    """(source, text) for each document of one unpacked package."""
    docs = []
    # Info manuals usually repeat a package's HTML (Python ships both): read them only where there is no HTML.
    has_html = any(re.search(r"\.x?html?$", f, re.I) for d, _, fs in os.walk(os.path.join(root, "usr/share")) for f in fs)
    for directory, _, files in os.walk(root):
        for name in sorted(files):
            path = os.path.join(directory, name)
            rel = "/" + os.path.relpath(path, root)
            if os.path.islink(path) or OTHER_LANGUAGE.search(rel):
                continue
            try:
                if rel.startswith("/usr/share/") and re.search(r"\.x?html?$", name, re.I) and not SKIP_HTML.search(rel):
                    docs.append((rel, html_text(path)))
                elif MAN_DIR.search(rel):
                    docs.append((rel, man_text(path)))
                elif not has_html and rel.startswith("/usr/share/info/") and re.search(r"\.info(-\d+)?(\.gz)?$", name):
                    docs.extend((f"{rel}#{i}", node) for i, node in enumerate(info_nodes(path)))
            except (subprocess.SubprocessError, OSError, UnicodeError, ValueError) as e:
                print(f"  {package}: {rel}: skipped ({e})", file=sys.stderr)
    return package, docs


def drop_boilerplate(docs):
    """Drops short lines that appear in many of one package's HTML pages (navigation, copyright footers); man and info
    pages keep their section headings (NAME, SYNOPSIS), which repeat on purpose."""
    counts = collections.Counter()
    for source, text in docs:
        if is_html(source):
            counts.update({line for line in text.split("\n") if 0 < len(line) < 200})
    limit = max(5, len(docs) // 10)
    common = {line for line, n in counts.items() if n > limit}
    if not common:
        return docs
    return [(source, "\n".join(line for line in text.split("\n") if line not in common).strip()) if is_html(source) else (source, text)
            for source, text in docs]


def is_html(source):
    return re.search(r"\.x?html?$", source, re.I) is not None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="folder for docs.jsonl, heldout.jsonl, heldout.txt, manifest.json")
    parser.add_argument("--cache", default=None, help="folder for the .deb files and unpacked trees (default: OUT/cache)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--heldout-chars", type=int, default=60_000)
    args = parser.parse_args()
    cache = args.cache or os.path.join(args.out, "cache")
    os.makedirs(args.out, exist_ok=True)

    packages = fetch(PACKAGES, cache)
    per_package = {}
    with concurrent.futures.ProcessPoolExecutor(args.jobs) as pool:
        for package, docs in pool.map(extract, packages, [packages[p][1] for p in packages]):
            per_package[package] = drop_boilerplate(docs)
            print(f"{package}: {len(docs)} documents", file=sys.stderr)

    seen = set()
    train, heldout = [], []
    stats = {p: {"version": packages[p][0], "documents": 0, "characters": 0, "heldout_documents": 0} for p in PACKAGES}
    for package in PACKAGES:
        for source, text in per_package[package]:
            text = text[:MAX_CHARS]
            if len(text) < MIN_CHARS:
                continue
            key = hashlib.sha1(re.sub(r"\s+", " ", text.lower()).encode()).hexdigest()
            if key in seen:
                continue
            seen.add(key)
            doc = {"package": package, "source": source, "text": text}
            if int(hashlib.sha1(f"{package}:{source}".encode()).hexdigest(), 16) % HELDOUT_MODULO == 0:
                heldout.append(doc)
                stats[package]["heldout_documents"] += 1
            else:
                train.append(doc)
                stats[package]["documents"] += 1
                stats[package]["characters"] += len(text)

    random.Random(SHUFFLE_SEED).shuffle(train)
    random.Random(SHUFFLE_SEED + 1).shuffle(heldout)
    write_jsonl(os.path.join(args.out, "docs.jsonl"), train)
    write_jsonl(os.path.join(args.out, "heldout.jsonl"), heldout)

    sample, size = [], 0
    for doc in heldout:
        if size >= args.heldout_chars:
            break
        piece = doc["text"][: args.heldout_chars - size]
        sample.append(piece)
        size += len(piece) + 2
    with open(os.path.join(args.out, "heldout.txt"), "w", encoding="utf-8") as f:
        f.write("\n\n".join(sample) + "\n")

    manifest = {
        "packages": stats,
        "documents": len(train),
        "characters": sum(len(d["text"]) for d in train),
        "heldout_documents": len(heldout),
        "shuffle_seed": SHUFFLE_SEED,
    }
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
    print(f"{len(train)} training documents ({manifest['characters']:,} characters), {len(heldout)} held out, from {len(PACKAGES)} packages", file=sys.stderr)


def write_jsonl(path, docs):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
