"""Compares exhume's JSON-lines inventory with fls -r -p and icat output."""
import hashlib
import json
import subprocess
import sys

ex_path, fls_path, image, sector = sys.argv[1:5]


def tsk_name(p):
    # TSK shows an unpaired surrogate as '^' and drops the unit after it;
    # exhume writes %uXXXX and keeps every unit.
    out, i = [], 0
    while i < len(p):
        if p.startswith('%u', i) and len(p) >= i + 6:
            out.append('^')
            i += 7
        else:
            out.append(p[i])
            i += 1
    return ''.join(out)


ours = {}
for line in open(ex_path, encoding='utf-8'):
    d = json.loads(line)
    path = d['path'][3:].replace('\\', '/')
    key = tsk_name(path) + (':' + d['stream'] if d['stream'] else '')
    ours[key] = d

theirs = {}
for line in open(fls_path, encoding='utf-8', errors='replace'):
    if '\t' not in line:
        continue
    meta, name = line.rstrip('\n').split('\t', 1)
    if '*' in meta or name.startswith('$') or '(deleted' in name:
        continue
    theirs[name] = meta.split()[1].rstrip(':')

bad = []
for name in sorted(set(theirs) - set(ours)):
    bad.append('missing in exhume: %r' % name)
for name in sorted(set(ours) - set(theirs)):
    if ours[name]['type'] == 'dir' and ours[name]['stream'] is None:
        continue
    bad.append('not in fls: %r' % name)
checked = 0
for name in sorted(set(ours) & set(theirs)):
    d = ours[name]
    if d['type'] == 'dir' or d['status'] != 'ok' or d['stream'] is None:
        continue
    data = subprocess.run(['icat', '-o', sector, image, theirs[name]],
                          capture_output=True).stdout
    if hashlib.sha256(data).hexdigest() != d.get('sha256'):
        bad.append('content differs: %r' % name)
    elif len(data) != d['size']:
        bad.append('size differs: %r' % name)
    checked += 1
for b in bad:
    print(b)
print('compared %d streams' % checked)
sys.exit(1 if bad else 0)
