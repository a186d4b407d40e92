"""Reading our .po catalogs in the report tests: which English phrases of
the message ids a German report must not contain."""
import re

# A printf conversion, positional or not: where a msgid's text is cut.
CONVERSION = re.compile(
    r'%[0-9$]*[-+ #0]*[0-9*]*(?:\.[0-9*]+)?(?:hh|h|ll|l|z|j|t|L)?[a-zA-Z%]')


def entries(path):
    """(msgid, msgstr) of every translated entry, escapes undone."""
    out, cur, key = [], {}, None
    unq = lambda s: (s.replace('\\n', '\n').replace('\\"', '"')
                     .replace('\\\\', '\\'))
    for line in open(path, encoding="utf-8").read().split("\n") + [""]:
        m = re.match(r'(msgid|msgstr) "(.*)"$', line)
        if m:
            key = m.group(1)
            cur[key] = m.group(2)
        elif line.startswith('"') and key:
            cur[key] += line[1:-1]
        elif not line.strip():
            if cur.get("msgid") and cur.get("msgstr"):
                out.append((unq(cur["msgid"]), unq(cur["msgstr"])))
            cur, key = {}, None
    return out


def english_pieces(paths, min_words, min_len):
    """The pieces of the msgids between conversions and line breaks with at
    least min_words words and min_len characters that their German
    translation does not share (names and terms both languages use)."""
    pieces = set()
    for path in paths:
        for mid, mstr in entries(path):
            for p in re.split(CONVERSION.pattern + r'|\n', mid):
                p = p.strip(" :;,.()")
                if len(p.split()) >= min_words and len(p) >= min_len and \
                        p not in mstr:
                    pieces.add(p)
    return pieces
