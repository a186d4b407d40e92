#!/usr/bin/env python3
# Makes rules/exchange-updates.tsv and rules/exposure.tsv from
# rules/tools/exchange-knowledge.md (our transcription of Microsoft's build
# list, support dates and update -> CVE map; its format is described at its
# top).  Usage, from anywhere:
#   exchange-tables.py [--input FILE] [--outdir DIR]
# DIR defaults to the rules/ directory beside this script.  Output is
# deterministic (same input, same bytes), so a test can compare it with the
# shipped files.  Exit status 1 with "file:line: why" on any input error.
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VERSIONS = ["2010", "2013", "2016", "2019", "SE"]
MAJMIN = {"2010": (14, 3), "2013": (15, 0), "2016": (15, 1), "2019": (15, 2),
          "SE": (15, 2)}
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
CVE = re.compile(r"^CVE-\d{4}-\d{4,7}$")
TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
GROUPS = ["ProxyLogon", "ProxyShell", "ProxyNotShell"]


class Bad(Exception):
    pass


def tables(path):
    """{section: [(lineno, [cells])]} for every table row below a header."""
    out, section, seen_sep = {}, None, False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("## "):
                section, seen_sep = line[3:].strip(), False
                out.setdefault(section, [])
                continue
            if section is None or not line.startswith("|"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-+:?", c) for c in cells):
                seen_sep = True
                continue
            if not seen_sep:
                continue        # the header row
            if any("\t" in c for c in cells):
                raise Bad("%s:%d: TAB in a cell" % (path, n))
            out[section].append((n, ["" if c == "-" else c for c in cells]))
    return out


def build(s, where):
    p = s.split(".")
    if len(p) != 4 or not all(x.isdigit() and int(x) <= 65535 for x in p):
        raise Bad("%s: bad build %r" % (where, s))
    return tuple(int(x) for x in p)


def need(cells, n, where):
    if len(cells) != n:
        raise Bad("%s: %d cells, want %d" % (where, len(cells), n))
    return cells


def date(s, where, empty_ok=True):
    if s == "" and empty_ok:
        return s
    if not DATE.match(s):
        raise Bad("%s: bad date %r" % (where, s))
    return s


def dash(s):
    return s if s != "" else "-"


def main(argv):
    src = os.path.join(HERE, "exchange-knowledge.md")
    outdir = os.path.dirname(HERE)
    i = 1
    while i < len(argv):
        if argv[i] == "--input" and i + 1 < len(argv):
            src, i = argv[i + 1], i + 2
        elif argv[i] == "--outdir" and i + 1 < len(argv):
            outdir, i = argv[i + 1], i + 2
        else:
            sys.stderr.write("usage: exchange-tables.py [--input FILE] "
                             "[--outdir DIR]\n")
            return 2
    t = tables(src)
    for s in ("Meta", "Support", "Builds", "CVEs", "Exploitation"):
        if not t.get(s):
            raise Bad("%s: section %r missing or empty" % (src, s))

    meta = {"source": []}
    for n, c in t["Meta"]:
        k, v = need(c, 2, "%s:%d" % (src, n))
        if k == "source":
            meta["source"].append(v)
        else:
            meta[k] = v
    asof = date(meta.get("as of", ""), "%s: as of" % src, False)
    last = meta.get("last update known", "")
    if not meta["source"] or not last:
        raise Bad("%s: Meta needs source and last update known" % src)

    support = {}
    for n, c in t["Support"]:
        w = "%s:%d" % (src, n)
        ver, state, ended, lastpub, esu, note = need(c, 6, w)
        if ver not in VERSIONS or ver in support or esu not in ("yes", "no"):
            raise Bad("%s: bad support row" % w)
        support[ver] = (state, date(ended, w), lastpub, esu, note)
    if sorted(support) != sorted(VERSIONS):
        raise Bad("%s: Support needs one row per version" % src)

    rels, seen, names = [], set(), {v: set() for v in VERSIONS}
    for n, c in t["Builds"]:
        w = "%s:%d" % (src, n)
        prod, rel, short, long_, kb, note = need(c, 6, w)
        words = prod.split()
        if words[:2] != ["Exchange", "Server"] or len(words) < 4:
            raise Bad("%s: product name %r" % (w, prod))
        ver = words[2]
        rest = words[3:]
        if ver == "2010":
            if rest[0] != "SP3" or len(rest) != 2:
                raise Bad("%s: 2010 rows are 'SP3 RUnn'" % w)
            rest = rest[1:]
        if ver not in VERSIONS or len(rest) not in (1, 2) or \
                not all(TOKEN.match(x) for x in rest):
            raise Bad("%s: product name %r" % (w, prod))
        cu, upd = rest[0], rest[1] if len(rest) == 2 else ""
        b = build(short, w)
        if b[:2] != MAJMIN[ver] or (ver == "SE") != (b[:2] == (15, 2) and
                                                      b[2] >= 2562):
            raise Bad("%s: build %s is not Exchange %s" % (w, short, ver))
        if long_ != "%02d.%02d.%04d.%03d" % b:
            raise Bad("%s: long build %r is not %r zero-padded" %
                      (w, long_, short))
        if b in seen:
            raise Bad("%s: build %s listed twice" % (w, short))
        seen.add(b)
        if kb and not re.match(r"^KB\d{6,8}$", kb):
            raise Bad("%s: bad KB %r" % (w, kb))
        date(rel, w)
        st = support[ver]
        if upd == "":
            chan = "ru" if ver == "2010" else "cu"
        elif upd.endswith("HU"):
            chan = "hu"
        elif st[3] == "yes" and st[1] and rel and rel > st[1]:
            chan = "esu"
        else:
            chan = "su"
        names[ver].add(upd if upd else cu)
        rels.append((VERSIONS.index(ver), b, ver, cu, upd, short, rel, kb,
                     chan, note))
    rels.sort(key=lambda r: (r[0], r[1]))

    allnames = set().union(*names.values())
    cves, seen = [], set()
    for n, c in t["CVEs"]:
        w = "%s:%d" % (src, n)
        (cve, title, fixed, prods, notaff, group, pub, kev, dep,
         note) = need(c, 10, w)
        if not CVE.match(cve) or cve in seen:
            raise Bad("%s: bad or repeated CVE %r" % (w, cve))
        seen.add(cve)
        for x in [y for y in fixed.split(",") if y]:
            if x not in allnames:
                raise Bad("%s: %s: no build is named %r" % (w, cve, x))
        for x in [y for y in (prods + "," + notaff).split(",") if y]:
            if x not in VERSIONS:
                raise Bad("%s: unknown version %r" % (w, x))
        if not prods:
            raise Bad("%s: %s affects no version" % (w, cve))
        if group and group not in GROUPS:
            raise Bad("%s: unknown group %r" % (w, group))
        if dep and not (dep.startswith("org: ") or dep.startswith("host: ")):
            raise Bad("%s: 'Depends on' starts with org: or host:" % w)
        cves.append([cve, fixed, prods, notaff, group, date(pub, w, False),
                     date(kev, w), "", dep, title, note])

    expo, seen = [], {}
    for n, c in t["Exploitation"]:
        w = "%s:%d" % (src, n)
        key, since, why = need(c, 3, w)
        if key not in ("proxylogon", "proxyshell", "proxynotshell") and \
                not CVE.match(key):
            raise Bad("%s: exposure key %r" % (w, key))
        if key in seen or not why:
            raise Bad("%s: repeated key or no source" % w)
        seen[key] = date(since, w, False)
        expo.append((key, since, why))
    known = {c[0] for c in cves}
    for k in seen:
        if k.startswith("CVE-") and k not in known:
            raise Bad("%s: Exploitation names %s, not in CVEs" % (src, k))
    for c in cves:
        c[7] = seen.get(c[0], "")

    u = [UPDATES_HEAD,
         "asof\t%s\t%s\n" % (asof, last)]
    u += ["source\t%s\n" % s for s in meta["source"]]
    for ver in VERSIONS:
        state, ended, lastpub, esu, note = support[ver]
        u.append("support\t%s\n" % "\t".join(
            [ver, state, dash(ended), dash(lastpub), esu, dash(note)]))
    for r in rels:
        u.append("release\t%s\n" % "\t".join(
            [r[2], r[3], dash(r[4]), r[5], dash(r[6]), dash(r[7]), r[8],
             dash(r[9])]))
    for c in cves:
        u.append("cve\t%s\n" % "\t".join(dash(x) for x in c))
    e = [EXPOSURE_HEAD] + ["%s\t%s\t%s\n" % x for x in expo]

    for name, lines in (("exchange-updates.tsv", u), ("exposure.tsv", e)):
        with open(os.path.join(outdir, name), "w", encoding="utf-8",
                  newline="\n") as f:
            f.write("".join(lines))
    return 0


UPDATES_HEAD = """\
# Exchange builds, support states and the update -> CVE map.
# GENERATED by rules/tools/exchange-tables.py from
# rules/tools/exchange-knowledge.md: edit that file, not this one.
# Read by the host profile for the per-CVE patch verdicts.  Fields are
# separated by one TAB; "-" is an empty field; dates are YYYY-MM-DD or
# YYYY-MM (day unknown).  Record types (first field):
#   asof     DATE LAST_UPDATE   newest fact ("Exchange knowledge as of")
#            and the newest update the data knows
#   source   TEXT               where the facts come from (repeatable)
#   support  VERSION STATE ENDED LAST_PUBLIC ESU NOTE
#            VERSION 2010, 2013, 2016, 2019 or SE; ENDED the day support
#            ended; ESU "yes" when extended security updates exist after it
#   release  VERSION CU UPDATE BUILD RELEASED KB CHANNEL NOTE
#            one build: a CU's base build (UPDATE "-") or an update of
#            that CU; CHANNEL cu, ru (2010 rollup), su, hu (hotfix) or esu
#            (released after support ended, for ESU customers only)
#   cve      CVE FIXED_BY PRODUCTS NOT_AFFECTED GROUP PUBLISHED KEV
#            EXPLOITED_SINCE DEPENDS TITLE NOTE
#            FIXED_BY update or CU names (comma-separated) whose builds fix
#            it; PRODUCTS / NOT_AFFECTED versions (comma-separated); GROUP
#            ProxyLogon, ProxyShell or ProxyNotShell; KEV the day CISA
#            listed it as exploited; EXPLOITED_SINCE from exposure.tsv;
#            DEPENDS "org: ..." (a setting not on the disk) or "host: ..."
# A build is fixed for a CVE when it is at or above the fixing build of
# the newest CU that has one (Exchange SE continues 2019's builds), or is
# on a CU that has a fixing build and at or above it (HealthChecker's rule).
"""

EXPOSURE_HEAD = """\
# When each vulnerability family, and each exploited CVE, was first
# exploited in the wild, so the triage can tell whether the logs reach back
# far enough.  A server that ran a vulnerable build from this date until its
# fix (or until today) may have been attacked at any time in between; logs
# that begin later cannot show it.
# GENERATED by rules/tools/exchange-tables.py from
# rules/tools/exchange-knowledge.md (section Exploitation).
# Fields separated by one TAB:
#   1 family          proxylogon, proxyshell or proxynotshell, or a CVE
#                     (CVE-YYYY-NNNNN; readers that know only families skip
#                     these lines)
#   2 exploited_since YYYY-MM-DD (UTC), earliest reported exploitation
#   3 source          where the date comes from, shown in the report
"""

if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Bad as ex:
        sys.stderr.write("exchange-tables: %s\n" % ex)
        sys.exit(1)
