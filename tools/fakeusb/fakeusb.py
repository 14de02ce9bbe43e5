#!/usr/bin/python3
"""fakeusb: fake USB label printers for Labelbridge tests, built on umockdev.

Run it with /usr/bin/python3 (it needs python3-gi and gir1.2-umockdev-1.0):

    /usr/bin/python3 tools/fakeusb/fakeusb.py [--tmpdir DIR] -- CHILD [ARGS...]

It creates an empty umockdev testbed, then starts CHILD with
LD_PRELOAD=libumockdev-preload.so.0 and UMOCKDEV_DIR=<testbed>, so every libc
call CHILD (and libusb inside it) makes on /sys and /dev/bus/usb lands in the
fake tree, and every usbdevfs ioctl on a fake printer's node is answered here.

CHILD drives the fakes over a pipe pair whose descriptors it finds in
FAKEUSB_FDS="<read fd>,<write fd>": one JSON object per line each way.
Requests are {"op": ..., ...}; every request gets one reply,
{"ok": true, ...} or {"ok": false, "error": "..."}. Operations:

  plug     name, vid, pid, [serial], [device_id], [id_le], [iface_class=7],
           [protocol=2], [lang], [manufacturer], [product], [port], and the
           initial state of set's flags -> busnum, devnum, port, sysfs
           Adds a device (the "add" uevent goes out), a new address each time.
  unplug   name -> removes it ("remove" uevent); its ioctls fail with ENODEV.
  set      name, [paper_out], [head_open], [ribbon_out], [paused], [silent],
           [stall], [unplug_after]
           Changes the fake's state. stall holds bulk OUT URBs in flight until
           it is cleared; unplug_after=N unplugs the printer once N job bytes
           have arrived; silent stops status replies.
  capture  name, [reset] -> data (base64 of the job bytes seen on bulk OUT,
           status queries excluded), queries (status queries answered)
  stats    name -> claims, releases, detaches, attaches, bound, urbs, ...
  ping     -> {}

The harness exits with CHILD's exit status and removes the testbed.
See docs/usb.md and /work/shared/notes/usb.md for the ioctl layout.
"""

import argparse
import base64
import collections
import errno
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading

import gi

gi.require_version('UMockdev', '1.0')
from gi.repository import UMockdev  # noqa: E402

# usbdevfs ioctl numbers for 64-bit Linux (they encode struct sizes).
GET_CAPABILITIES = 0x8004551A
CLAIMINTERFACE = 0x8004550F
RELEASEINTERFACE = 0x80045510
SETINTERFACE = 0x80085504
SETCONFIGURATION = 0x80045505
CLEAR_HALT = 0x80045515
RESET = 0x5514
RESETEP = 0x80045503
GETDRIVER = 0x41045508
IOCTL = 0xC0105512
SUBMITURB = 0x8038550A
REAPURB = 0x4008550C
REAPURBNDELAY = 0x4008550D
DISCARDURB = 0x550B
# Not emulated (libusb falls back): DISCONNECT_CLAIM 0x8108551B, CONNINFO_EX.

# USBDEVFS_IOCTL sub-commands (struct usbdevfs_ioctl {int ifno; int code; void *data}).
SUB_DISCONNECT = 0x5516
SUB_CONNECT = 0x5517

URB_CONTROL = 2
URB_BULK = 3

# Status queries a fake answers, per language.
ZPL_QUERY = b'~HQES'
TSPL_QUERY = b'\x1b!?'
EPL_QUERY = b'^ee\r\n'
ESCPOS_QUERY = b'\x10\x04\x01\x10\x04\x02\x10\x04\x04'
QUERIES = {'zpl': ZPL_QUERY, 'tspl': TSPL_QUERY, 'epl': EPL_QUERY, 'escpos': ESCPOS_QUERY}


def log(*a):
    if os.environ.get('FAKEUSB_DEBUG'):
        print('fakeusb:', *a, file=sys.stderr, flush=True)


def u16(v):
    return [v & 0xFF, (v >> 8) & 0xFF]


def descriptors(vid, pid, serial, iface_class, protocol, with_in):
    dev = [18, 1] + u16(0x0200) + [0, 0, 0, 64] + u16(vid) + u16(pid) + u16(0x0100) + \
        [1, 2, 3 if serial else 0, 1]
    eps = [7, 5, 0x01, 2] + u16(512) + [0]
    if with_in:
        eps += [7, 5, 0x81, 2] + u16(512) + [0]
    neps = 2 if with_in else 1
    intf = [9, 4, 0, 0, neps, iface_class, 1 if iface_class == 7 else 0, protocol, 0]
    total = 9 + len(intf) + len(eps)
    cfg = [9, 2] + u16(total) + [1, 1, 0, 0xC0, 50]
    return bytes(dev + cfg + intf + eps)


def string_desc(s):
    b = s.encode('utf-16-le')
    return bytes([2 + len(b), 3]) + b


class Fake:
    """One fake printer: its descriptors, its state and its URB queues."""

    def __init__(self, spec):
        self.name = spec['name']
        self.spec = spec
        self.lock = threading.Lock()
        self.lang = spec.get('lang', '')
        self.device_id = spec.get('device_id', '')
        self.paper_out = self.head_open = self.ribbon_out = self.paused = False
        self.silent = False
        self.stall = False
        self.unplug_after = None
        self.gone = False
        self.removed = False  # its sysfs tree is gone
        self.bound = True  # "usblp" bound to interface 0
        self.counts = collections.Counter()
        self.data = bytearray()
        self.queries = 0
        self.replies = collections.deque()   # bytes waiting for a bulk IN URB
        self.pending_in = collections.deque()  # IN URBs waiting for a reply
        self.stalled = collections.deque()   # OUT URBs held while stalled
        self.done = collections.deque()      # (urb, buf, payload, status) ready to reap
        self.handler = None
        self.node = None
        self.sysfs = None

    # -- status replies ---------------------------------------------------
    def status_reply(self, query):
        """The reply to a status query, or None when query is job data (a
        fake with a lang answers only its own language's query)."""
        if self.lang and QUERIES.get(self.lang) != query:
            return None
        if query == ZPL_QUERY:
            err = 0
            if self.paper_out:
                err |= 0x1
            if self.ribbon_out:
                err |= 0x2
            if self.head_open:
                err |= 0x4
            if self.paused:
                err |= 0x10000
            return ('\x02\r\n\r\n  PRINTER STATUS                            \r\n'
                    '   ERRORS:         %d 00000000 %08X \r\n'
                    '   WARNINGS:       0 00000000 00000000 \r\n\x03\r\n'
                    % (1 if err else 0, err)).encode()
        if query == TSPL_QUERY:
            b = 0
            if self.head_open:
                b |= 0x01
            if self.paper_out:
                b |= 0x04
            if self.ribbon_out:
                b |= 0x08
            if self.paused:
                b |= 0x10
            return bytes([b])
        if query == EPL_QUERY:
            codes = []
            if self.paper_out or self.ribbon_out:
                codes.append('07')
            if self.head_open:
                codes.append('11')
            if self.paused:
                codes.append('12')
            return (','.join(codes or ['00']) + '\r\n').encode()
        if query == ESCPOS_QUERY:
            s1 = 0x12 | (0x08 if (self.paper_out or self.head_open or self.paused) else 0)
            s2 = 0x12 | (0x04 if self.head_open else 0) | (0x20 if self.paper_out else 0)
            s4 = 0x12 | (0x60 if self.paper_out else 0)
            return bytes([s1, s2, s4])
        return None

    def port_status(self):
        if self.paper_out:
            return 0x30  # select + paper empty, error
        if self.head_open:
            return 0x10
        return 0x18

    # -- control requests ---------------------------------------------------
    def control(self, setup):
        rt, req, val, idx, length = struct.unpack('<BBHHH', setup)
        ans = b''
        if rt == 0x80 and req == 6:  # GET_DESCRIPTOR
            dtype, dindex = val >> 8, val & 0xFF
            if dtype == 3:
                if dindex == 0:
                    ans = bytes([4, 3, 0x09, 0x04])
                else:
                    s = {1: self.spec.get('manufacturer', ''), 2: self.spec.get('product', ''),
                         3: self.spec.get('serial', '')}.get(dindex)
                    if s is None:
                        return None, -errno.EPIPE
                    ans = string_desc(s)
            elif dtype == 1:
                ans = descriptors(**self.desc_args())[:18]
            else:
                return None, -errno.EPIPE
        elif rt == 0xA1 and req == 0:  # GET_DEVICE_ID
            if not self.device_id:
                return None, -errno.EPIPE
            body = self.device_id.encode()
            n = len(body) + 2
            ans = (struct.pack('<H', n) if self.spec.get('id_le') else struct.pack('>H', n)) + body
        elif rt == 0xA1 and req == 1:  # GET_PORT_STATUS
            ans = bytes([self.port_status()])
        elif (rt & 0x80) == 0:
            return b'', 0  # OUT requests (SOFT_RESET, ...): accept
        else:
            return None, -errno.EPIPE
        return ans[:length], 0

    def desc_args(self):
        s = self.spec
        return dict(vid=s['vid'], pid=s['pid'], serial=s.get('serial'),
                    iface_class=s.get('iface_class', 7), protocol=s.get('protocol', 2),
                    with_in=s.get('protocol', 2) != 1)

    def snapshot(self):
        return dict(claims=self.counts['claim'], releases=self.counts['release'],
                    detaches=self.counts['detach'], attaches=self.counts['attach'],
                    bound=self.bound, out_urbs=self.counts['out_urbs'],
                    in_urbs=self.counts['in_urbs'], discards=self.counts['discard'],
                    bytes=len(self.data), queries=self.queries, gone=self.gone)


def pack_i32(v):
    return list(struct.pack('<i', v))


class Harness:
    def __init__(self, tb):
        self.tb = tb
        self.fakes = {}
        self.lock = threading.Lock()
        # Testbed changes are serialised: a replug must not run between an
        # unplug's "remove" uevent and its removal of the sysfs tree.
        self.tb_lock = threading.Lock()
        self.next_devnum = 2
        self.next_port = 1

    # -- ioctl handling (runs on umockdev's thread) -----------------------------
    def handle(self, fake, client):
        req = client.get_request() & 0xFFFFFFFF
        arg = client.get_arg()
        with fake.lock:
            try:
                return self._handle(fake, client, req, arg)
            except Exception as e:  # never leave the child hanging
                print('fakeusb: ioctl 0x%x failed: %r' % (req, e), file=sys.stderr, flush=True)
                client.complete(-1, errno.EIO)
                return True

    def _handle(self, fake, client, req, arg):
        if fake.gone and req not in (REAPURB, REAPURBNDELAY, DISCARDURB):
            client.complete(-1, errno.ENODEV)
            return True
        if req == GET_CAPABILITIES:
            d = arg.resolve(0, 4)
            d.update(0, pack_i32(0x1F))
            client.complete(0, 0)
        elif req == CLAIMINTERFACE:
            fake.counts['claim'] += 1
            client.complete(0, 0)
        elif req == RELEASEINTERFACE:
            fake.counts['release'] += 1
            client.complete(0, 0)
        elif req in (SETINTERFACE, SETCONFIGURATION, CLEAR_HALT, RESET, RESETEP):
            client.complete(0, 0)
        elif req == GETDRIVER:
            if fake.bound:
                d = arg.resolve(0, 260)
                d.update(4, list(b'usblp\0'))
                client.complete(0, 0)
            else:
                client.complete(-1, errno.ENODATA)
        elif req == IOCTL:
            d = arg.resolve(0, 16).retrieve()
            code = struct.unpack('<i', bytes(d[4:8]))[0]
            if code == SUB_DISCONNECT:
                if not fake.bound:  # no driver to detach, as the kernel says
                    client.complete(-1, errno.ENODATA)
                    return True
                fake.counts['detach'] += 1
                fake.bound = False
            elif code == SUB_CONNECT:
                fake.counts['attach'] += 1
                fake.bound = True
            client.complete(0, 0)
        elif req == SUBMITURB:
            self.submit(fake, client, arg)
        elif req in (REAPURB, REAPURBNDELAY):
            if not fake.done:
                client.complete(-1, errno.ENODEV if fake.gone else errno.EAGAIN)
                return True
            urb, buf, payload, status = fake.done.popleft()
            if payload:
                buf.update(0, list(payload))
            urb.update(4, pack_i32(status))
            urb.update(28, pack_i32(len(payload) if payload is not None else 0))
            p = arg.resolve(0, 8)
            p.set_ptr(0, urb)
            client.complete(0, 0)
        elif req == DISCARDURB:
            addr = struct.unpack('<Q', bytes(arg.retrieve()[:8]))[0]
            for q in (fake.pending_in, fake.stalled):
                for item in list(q):
                    if item[0].client_addr == addr:
                        q.remove(item)
                        fake.counts['discard'] += 1
                        fake.done.append((item[0], item[1], b'', -errno.ENOENT))
                        client.complete(0, 0)
                        return True
            client.complete(-1, errno.EINVAL)
        else:
            log('unhandled ioctl 0x%x' % req)
            return False
        return True

    def submit(self, fake, client, arg):
        urb = arg.resolve(0, 56)
        raw = bytes(urb.retrieve())
        typ, ep = raw[0], raw[1]
        length = struct.unpack('<i', raw[24:28])[0]
        buf = urb.resolve(16, length) if length > 0 else None
        if typ == URB_CONTROL:
            data = bytes(buf.retrieve())
            ans, status = fake.control(data[:8])
            # The answer (the data stage) goes after the 8-byte setup packet;
            # actual_length counts the data stage only.
            fake.done.append((urb, OffsetBuf(buf, 8), ans or b'', status))
            client.complete(0, 0)
            return
        if typ != URB_BULK:
            client.complete(-1, errno.EINVAL)
            return
        if ep & 0x80:
            fake.counts['in_urbs'] += 1
            if fake.replies:
                fake.done.append((urb, buf, fake.replies.popleft()[:length], 0))
            else:
                fake.pending_in.append((urb, buf))
            client.complete(0, 0)
            return
        fake.counts['out_urbs'] += 1
        payload = bytes(buf.retrieve()) if buf else b''
        if fake.stall:
            fake.stalled.append((urb, buf, payload))
            client.complete(0, 0)
            return
        self.take_out(fake, urb, buf, payload)
        client.complete(0, 0)

    def take_out(self, fake, urb, buf, payload):
        reply = fake.status_reply(payload)
        if reply is not None:
            fake.queries += 1
            if not fake.silent:
                if fake.pending_in:
                    iurb, ibuf = fake.pending_in.popleft()
                    fake.done.append((iurb, ibuf, reply, 0))
                else:
                    fake.replies.append(reply)
        else:
            fake.data += payload
        # An OUT URB reports its length as actual; no data is written back.
        fake.done.append((urb, NoWrite(buf), payload, 0))
        if fake.unplug_after is not None and len(fake.data) >= fake.unplug_after:
            fake.unplug_after = None
            fake.gone = True
            threading.Thread(target=self.remove, args=(fake,), daemon=True).start()

    # -- control requests from the child (main thread) ------------------------
    def plug(self, spec):
        name = spec['name']
        with self.lock:
            old = self.fakes.get(name)
            if old is not None and not old.gone:
                raise ValueError('%s is already plugged in' % name)
            devnum = self.next_devnum
            self.next_devnum += 1
            port = spec.get('port') or (old and old.spec.get('_port')) or self.next_port
            if not spec.get('port') and not (old and old.spec.get('_port')):
                self.next_port += 1
        if old is not None:
            self.remove(old)  # finish an unplug_after still under way
        spec = dict(spec)
        spec['_port'] = port
        fake = Fake(spec)
        for k in ('paper_out', 'head_open', 'ribbon_out', 'paused', 'silent'):
            setattr(fake, k, bool(spec.get(k, False)))
        node = '/dev/bus/usb/001/%03d' % devnum
        sysfs = '/devices/pci0000:00/0000:00:14.0/usb1/1-%d' % port
        fake.node, fake.sysfs = node, sysfs
        h = UMockdev.IoctlBase()
        h.connect('handle-ioctl', lambda _h, client: self.handle(fake, client))
        fake.handler = h
        self.tb_lock.acquire()
        try:
            self.add(fake, h, node, sysfs, devnum)
        finally:
            self.tb_lock.release()
        log('plugged', name, node, sysfs)
        return dict(busnum=1, devnum=devnum, port=port, sysfs=sysfs)

    def add(self, fake, h, node, sysfs, devnum):
        spec = fake.spec
        if not self.tb.attach_ioctl(node, h):
            raise RuntimeError('attach_ioctl %s failed' % node)
        desc = descriptors(**fake.desc_args())
        record = '\n'.join([
            'P: ' + sysfs,
            'N: ' + node[len('/dev/'):],
            'E: SUBSYSTEM=usb',
            'E: DRIVER=usb',
            'E: BUSNUM=001',
            'E: DEVNUM=%03d' % devnum,
            'E: DEVNAME=' + node,
            'E: DEVTYPE=usb_device',
            'E: PRODUCT=%x/%x/100' % (spec['vid'], spec['pid']),
            'A: bConfigurationValue=1\\n',
            'A: busnum=1\\n',
            'A: devnum=%d\\n' % devnum,
            'A: speed=480\\n',
            'A: idVendor=%04x\\n' % spec['vid'],
            'A: idProduct=%04x\\n' % spec['pid'],
            'H: descriptors=' + desc.hex(),
            '',
        ])
        with self.lock:
            self.fakes[fake.name] = fake
        self.tb.add_from_string(record)  # sends the "add" uevent

    def unplug(self, name):
        self.remove(self.get(name))
        log('unplugged', name)
        return {}

    def remove(self, fake):
        """Unplugs fake (idempotent): fails its URBs, removes its tree."""
        with fake.lock:
            fake.gone = True
            # Pending URBs die with the device, as usbfs does.
            for urb, buf in list(fake.pending_in):
                fake.done.append((urb, buf, b'', -errno.ESHUTDOWN))
            for urb, buf, _ in list(fake.stalled):
                fake.done.append((urb, NoWrite(buf), b'', -errno.ESHUTDOWN))
            fake.pending_in.clear()
            fake.stalled.clear()
        with self.tb_lock:
            if not fake.removed:
                fake.removed = True
                self.tb.uevent('/sys' + fake.sysfs, 'remove')
                self.tb.remove_device('/sys' + fake.sysfs)

    def get(self, name):
        with self.lock:
            f = self.fakes.get(name)
        if f is None:
            raise KeyError('no fake printer %r' % name)
        return f

    def set(self, req):
        fake = self.get(req['name'])
        release = []
        with fake.lock:
            for k in ('paper_out', 'head_open', 'ribbon_out', 'paused', 'silent'):
                if k in req:
                    setattr(fake, k, bool(req[k]))
            if 'unplug_after' in req:
                fake.unplug_after = req['unplug_after']
            if 'stall' in req:
                fake.stall = bool(req['stall'])
                if not fake.stall:
                    while fake.stalled:
                        release.append(fake.stalled.popleft())
                    for urb, buf, payload in release:
                        self.take_out(fake, urb, buf, payload)
        return {}

    def serve(self, rfile, wfile):
        for line in rfile:
            line = line.strip()
            if not line:
                continue
            try:
                req = json.loads(line)
                op = req.get('op')
                if op == 'plug':
                    rep = self.plug(req)
                elif op == 'unplug':
                    rep = self.unplug(req['name'])
                elif op == 'set':
                    rep = self.set(req)
                elif op == 'capture':
                    f = self.get(req['name'])
                    with f.lock:
                        rep = dict(data=base64.b64encode(bytes(f.data)).decode(), queries=f.queries)
                        if req.get('reset'):
                            f.data = bytearray()
                elif op == 'stats':
                    f = self.get(req['name'])
                    with f.lock:
                        rep = f.snapshot()
                elif op == 'ping':
                    rep = {}
                else:
                    raise ValueError('unknown op %r' % op)
                rep['ok'] = True
            except Exception as e:
                rep = dict(ok=False, error='%s: %s' % (type(e).__name__, e))
            wfile.write(json.dumps(rep) + '\n')
            wfile.flush()


class OffsetBuf:
    """A URB buffer whose answer goes at an offset (control data stage)."""

    def __init__(self, buf, off):
        self.buf, self.off = buf, off

    def update(self, off, data):
        self.buf.update(self.off + off, data)


class NoWrite:
    """An OUT URB's buffer: nothing is written back into it."""

    def __init__(self, buf):
        self.buf = buf

    def update(self, off, data):
        pass


PRELOAD = 'libumockdev-preload.so.0'


def main():
    # The harness itself must run under the preload too: umockdev's uevent
    # sender looks the device up in /sys, which must be the testbed's.
    if PRELOAD not in os.environ.get('LD_PRELOAD', ''):
        env = dict(os.environ)
        env['LD_PRELOAD'] = (PRELOAD + ' ' + env.get('LD_PRELOAD', '')).strip()
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    ap = argparse.ArgumentParser(description='fake USB label printers (umockdev)')
    ap.add_argument('--tmpdir', help='where the testbed goes (default $TMPDIR)')
    ap.add_argument('child', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    child = a.child
    if child and child[0] == '--':
        child = child[1:]
    if not child:
        ap.error('no child command')
    if a.tmpdir:
        os.environ['TMPDIR'] = a.tmpdir
        tempfile.tempdir = a.tmpdir

    tb = UMockdev.Testbed.new()
    root = tb.get_root_dir()
    h = Harness(tb)
    c2h_r, c2h_w = os.pipe()  # child -> harness
    h2c_r, h2c_w = os.pipe()  # harness -> child
    env = dict(os.environ)
    env['UMOCKDEV_DIR'] = root
    env['FAKEUSB_FDS'] = '%d,%d' % (h2c_r, c2h_w)
    try:
        proc = subprocess.Popen(child, env=env, pass_fds=(h2c_r, c2h_w))
        os.close(h2c_r)
        os.close(c2h_w)
        with os.fdopen(c2h_r, 'r') as rfile, os.fdopen(h2c_w, 'w') as wfile:
            try:
                h.serve(rfile, wfile)
            except BrokenPipeError:
                pass
        rc = proc.wait()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    sys.exit(rc if rc >= 0 else 128 - rc)


if __name__ == '__main__':
    main()
