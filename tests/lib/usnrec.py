"""USN_RECORD_V2 records for test journals ($UsnJrnl:$J), written from the
published layout: one function so every test builds records the same way."""
import struct

CREATE, DELETE, CLOSE, EXTEND = 0x100, 0x200, 0x80000000, 0x2
T = 132580000000000000      # 2021-02-17T01:46:40Z
MAY = 132643008000000000    # 2021-05-01T00:00:00Z


class Journal:
    """Records appended in USN order, 8-byte aligned as Windows writes them."""

    def __init__(self):
        self.usn = 0
        self.data = b''

    def v2(self, mft, parent, reason, name, t):
        n = name.encode('utf-16le')
        size = (60 + len(n) + 7) // 8 * 8
        b = struct.pack('<IHHQQqqIIIIHH', size, 2, 0, 1 << 48 | mft,
                        1 << 48 | parent, self.usn, t, reason, 0, 0, 0x20,
                        len(n), 60)
        self.usn += size
        self.data += (b + n).ljust(size, b'\0')

    def pages(self):
        """The records laid into 4 KiB pages: none crosses a page, as
        Windows never lets one."""
        out, rest = b'', self.data
        while rest:
            page = b''
            while rest:
                size = struct.unpack('<I', rest[:4])[0]
                if len(page) + size > 4096:
                    break
                page += rest[:size]
                rest = rest[size:]
            out += page.ljust(4096, b'\0')
        return out
