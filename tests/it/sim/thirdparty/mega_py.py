import os, sys, hashlib, tempfile, requests
import mega.mega as mm
from mega import Mega
base = os.environ['MEGASIM_URL'].rstrip('/')
_post, _get = requests.post, requests.get
def fix(u): 
    u = str(u)
    assert u.startswith('https://g.api.mega.co.nz') or u.startswith(base), u
    return u.replace('https://g.api.mega.co.nz', base)
mm.requests.post = lambda url, *a, **k: _post(fix(url), *a, **k)
mm.requests.get = lambda url, *a, **k: _get(fix(url), *a, **k)
m = Mega().login(os.environ['MEGA_EMAIL'], os.environ['MEGA_PASSWORD'])
print('login ok', m.get_user()['email'])
print('quota', m.get_quota(), m.get_storage_space())
folder = m.create_folder('py-dir')
print('mkdir', folder)
d = tempfile.mkdtemp()
p = os.path.join(d, 'py file.txt')
data = os.urandom(3 * 1024 * 1024 + 7)
open(p, 'wb').write(data)
f = m.upload(p, m.find('py-dir')[0])
print('upload', f['f'][0]['h'])
files = m.get_files()
names = sorted(n['a']['n'] for n in files.values() if isinstance(n['a'], dict))
print('names', names)
node = m.find('py file.txt')
m.rename(node, 'renamed.txt')
node = m.find('renamed.txt')
assert node, 'rename lost'
out = m.download(node, d, 'back.txt')
assert open(out, 'rb').read() == data, 'download differs'
print('download ok')
link = m.export('renamed.txt')
print('file link', link)
info = m.get_public_url_info(link)
print('link info', info)
out2 = m.download_url(link, d, 'via-link.txt')
assert open(out2, 'rb').read() == data
flink = m.export('py-dir')
print('folder link', flink)
m.move(m.find('renamed.txt')[0], m.find('py-dir'))
m.delete(m.find('py-dir')[0])
m.empty_trash()
print('remaining', sorted(n['a']['n'] for n in m.get_files().values() if isinstance(n['a'], dict)))
print('OK')
