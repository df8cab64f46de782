
import fcntl, json, os, select, subprocess, sys, termios, time
steps = json.loads(sys.argv[1])
master, slave = os.openpty()
def controlling():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
child = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=slave, stderr=slave,
                         preexec_fn=controlling, close_fds=True)
shown, pending, deadline = b"", b"", time.time() + 40
def pump(wait):
    global shown, pending
    ready, _, _ = select.select([master], [], [], wait)
    if not ready:
        return True
    try:
        data = os.read(master, 65536)
    except OSError:
        return False
    shown += data
    pending += data
    return bool(data)
alive = True
for expect, send in steps:
    while expect.encode() not in pending and alive and time.time() < deadline:
        alive = pump(0.1) and (child.poll() is None or pump(0))
    if expect.encode() not in pending:
        break
    pending = pending[pending.index(expect.encode()) + len(expect):]
    time.sleep(0.2)
    os.write(master, send.encode())
try:
    code = child.wait(timeout=max(1, deadline - time.time()))
except subprocess.TimeoutExpired:
    child.kill()
    code = child.wait()
while time.time() < deadline + 5:
    ready, _, _ = select.select([master], [], [], 0.2)
    if not ready or not pump(0):
        break
echo = bool(termios.tcgetattr(slave)[3] & termios.ECHO)
print(json.dumps({"code": code, "echo": echo, "shown": shown.decode("utf-8", "replace")}))
