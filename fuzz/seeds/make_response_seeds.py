#!/usr/bin/env python3
"""Writes fuzz/seeds/response/: real-looking `f`, `sc` and batch answers for the account the
`response` target uses (user AbCdEfGhIjK, master key 07*16, folder-link key 09*16, the RSA key
in seeds/decode/03_privk). Needs python3-cryptography. Run from fuzz/: python3 seeds/make_response_seeds.py"""
import base64, json, os, struct
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

USER, MK, LINK = "AbCdEfGhIjK", bytes([7] * 16), bytes([9] * 16)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "response")


def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def ecb(k, d): e = Cipher(algorithms.AES(k), modes.ECB()).encryptor(); return e.update(d) + e.finalize()
def cbc0(k, d): e = Cipher(algorithms.AES(k), modes.CBC(bytes(16))).encryptor(); return e.update(d) + e.finalize()


def at(key, obj=None, raw=None):
    p = b"MEGA" + (raw if raw is not None else json.dumps(obj, separators=(",", ":")).encode())
    return b64(cbc0(key, p + bytes(-len(p) % 16)))


def file_key(aes, nonce, mac):
    return bytes(a ^ b for a, b in zip(aes, nonce + mac)) + nonce + mac


def mpi_read(d):
    n = (struct.unpack(">H", d[:2])[0] + 7) // 8
    return int.from_bytes(d[2:2 + n], "big"), d[2 + n:]


def mpi(x):
    b = x.to_bytes((x.bit_length() + 7) // 8, "big")
    return struct.pack(">H", len(b) * 8) + b


privk = open(os.path.join(HERE, "decode", "03_privk"), "rb").read()[1:]
p, rest = mpi_read(privk); q, rest = mpi_read(rest); d, _ = mpi_read(rest)
n = p * q

folder_k, sub_k, share_k = bytes(range(16)), bytes(range(16, 32)), bytes([5] * 16)
fk = file_key(bytes([1] * 16), bytes([2] * 8), bytes([3] * 8))
rsa_share = bytes([6] * 16)
rsa_plain = int.from_bytes(rsa_share + bytes((n.bit_length() + 7) // 8 - 2 - 16), "big")
rsa_sk = b64(mpi(pow(rsa_plain, 17, n)))

ha = b64(ecb(MK, b"FoLdEr01FoLdEr01"))
nodes = [
    {"h": "RoOtNoDe", "p": "", "u": USER, "t": 2, "a": "", "k": "", "ts": 1700000000},
    {"h": "InBoXnOd", "p": "", "u": USER, "t": 3, "ts": 1700000000},
    {"h": "TrAsHnOd", "p": "", "u": USER, "t": 4, "ts": 1700000000},
    {"h": "FoLdEr01", "p": "RoOtNoDe", "u": USER, "t": 1, "ts": 1700000001,
     "a": at(folder_k, {"n": "photos", "lbl": 3, "fav": 1}), "k": f"{USER}:{b64(ecb(MK, folder_k))}"},
    {"h": "FiLe0001", "p": "FoLdEr01", "u": USER, "t": 0, "s": 12345, "ts": 1700000002,
     "a": at(bytes(a ^ b for a, b in zip(fk[:16], fk[16:])),
             {"n": "a.jpg", "c": "AwQFBgAAAAAAAAAAAAAAAAEB", "x": {"y": [1, 2.5]}}),
     "k": f"{USER}:{b64(ecb(MK, fk))}", "fa": "924:0*AAAAAAAAAAA"},
    {"h": "SuBfOlDr", "p": "FoLdEr01", "u": USER, "t": 1, "ts": 1700000003,
     "a": at(sub_k, raw=b'{"n": "spaced", "e": "\\u00e9"}junk'),
     "k": f"FoLdEr01:{b64(ecb(folder_k, sub_k))}/{USER}:{b64(ecb(MK, sub_k))}"},
    {"h": "InShArE1", "p": "", "u": "XyZxYzXyZxY", "t": 1, "ts": 1700000004, "su": "XyZxYzXyZxY",
     "sk": b64(ecb(MK, share_k)), "r": 1,
     "a": at(bytes([4] * 16), {"n": "shared"}), "k": f"InShArE1:{b64(ecb(share_k, bytes([4] * 16)))}"},
    {"h": "InShArE2", "p": "", "u": "XyZxYzXyZxY", "t": 1, "ts": 1700000005, "su": "XyZxYzXyZxY",
     "sk": rsa_sk, "r": 0, "a": at(bytes([8] * 16), {"n": "rsa shared"}),
     "k": f"InShArE2:{b64(ecb(rsa_share, bytes([8] * 16)))}"},
    {"h": "BaDkEy01", "p": "RoOtNoDe", "u": USER, "t": 0, "s": 1, "ts": 1, "a": "AAAA", "k": f"{USER}:AAAA"},
    {"h": "NoKeY001", "p": "RoOtNoDe", "u": USER, "t": 1, "ts": 1, "a": "AAAA", "k": "ZzZzZzZz:AAAAAAAAAAAAAAAAAAAAAA"},
]
f_user = [{"f": nodes, "ok": [{"h": "FoLdEr01", "ha": ha, "k": b64(ecb(MK, folder_k))},
                             {"h": "ZeRoHaSh", "ha": b64(bytes(16)), "k": b64(bytes(16))}],
           "s": [{"h": "FoLdEr01", "u": "EXP", "r": 0, "ts": 1700000006}],
           "u": [{"u": USER, "c": 2, "m": "alice@example.com"}], "sn": "SnSnSnSnSnS", "noc": 1}]
# `ok` after `f`: the parser's first pass must still find it.
f_user_ok_last = '[{"f":' + json.dumps(nodes[:4]) + ',"sn":"SnSnSnSnSnS","ok":' + json.dumps(f_user[0]["ok"]) + "}]"

link_root_k = bytes([10] * 16)
lfk = file_key(bytes([11] * 16), bytes([12] * 8), bytes([13] * 8))
f_link = [{"f": [
    {"h": "LiNkRoOt", "p": "PaReNtXx", "u": "XyZxYzXyZxY", "t": 1, "ts": 1,
     "a": at(link_root_k, {"n": "shared folder"}), "k": f"LiNkRoOt:{b64(ecb(LINK, link_root_k))}"},
    {"h": "LiNkFiLe", "p": "LiNkRoOt", "u": "XyZxYzXyZxY", "t": 0, "s": 3, "ts": 2,
     "a": at(bytes(a ^ b for a, b in zip(lfk[:16], lfk[16:])), {"n": "in link.txt", "c": "AwQFBgAAAAAAAAAAAAAAAAEB"}),
     "k": f"LiNkRoOt:{b64(ecb(LINK, lfk))}"}], "sn": "SnSnSnSnSnS", "noc": 1}]

sc = {"a": [
    {"a": "d", "n": "FiLe0001", "m": 1, "i": "TaGtAgTaGt", "ou": USER},
    {"a": "t", "t": {"f": [nodes[3], nodes[4]], "u": [{"u": USER}]}, "ou": USER, "i": "TaGtAgTaGt"},
    {"a": "u", "n": "FoLdEr01", "u": USER, "at": at(folder_k, {"n": "renamed"}), "ts": 1700000010},
    {"a": "ph", "h": "FoLdEr01", "ph": "PuBlIcHh", "n": 1, "ts": 1700000011},
    {"a": "ph", "h": "FoLdEr01", "d": 1},
    {"a": "s2", "n": "FoLdEr01", "u": "EXP", "r": 0},
    {"a": "ua", "u": USER, "ua": ["^!keys"], "v": ["x"]},
], "sn": "NeXtSnNeXtS", "ir": 1}
sc_link = {"a": [{"a": "t", "t": {"f": f_link[0]["f"]}, "ou": "XyZxYzXyZxY"}], "sn": "NeXtSnNeXtS"}

everything = [{"u": USER, "email": "alice@example.com", "name": "Alice", "v": 2, "s": b64(bytes(32)),
               "mstrg": 21474836480, "cstrg": 1234, "mxfer": 1e12, "caxfer": 5, "p": "http://127.0.0.1:9/ul/abc",
               "s_": 1, "g": "http://127.0.0.1:9/dl/abc/", "at": at(fk[:16], {"n": "x"}),
               "f": [nodes[3]], "sn": "SnSnSnSnSnS", "a": [], "w": "http://127.0.0.1:9/wait"}]

seeds = {
    "0_f_user": (0, json.dumps(f_user)),
    "0_f_ok_after_f": (0, f_user_ok_last),
    "0_f_error_code": (0, "[-9]"),
    "0_f_bare_error": (0, "-3"),
    "1_f_link": (1, json.dumps(f_link)),
    "2_sc_packets": (2, json.dumps(sc)),
    "2_sc_wait": (2, '{"w":"http://127.0.0.1:9/wait/abc","sn":"SnSnSnSnSnS"}'),
    "3_sc_link": (3, json.dumps(sc_link)),
    "4_calls_everything": (4, json.dumps(everything)),
    "4_calls_f": (4, json.dumps(f_user)),
    "4_calls_ok": (4, "[0]"),
    "4_calls_string": (4, '["PuBlIcHh"]'),
    "4_calls_g_quota": (4, '[{"e":-17,"tl":600}]'),
    "12_calls_batch2": (12, '[{"u":"AbCdEfGhIjK","email":"a@b.c"},-9]'),
    "20_calls_batch3": (20, '[0,{"v":1},"x"]'),
    "4_calls_request_level": (4, "-15"),
    "5_link_calls": (5, json.dumps(f_link)),
    "5_link_sc": (5, json.dumps(sc_link)),
    "6_attrs_plain": (6, 'MEGA{"n":"a.jpg","c":"AwQFBgAAAAAAAAAAAAAAAAEB","lbl":3,"x":{"y":[1,2.5,null]}}'),
    "6_attrs_spaced_junk": (6, 'MEGA{"n": "x", "e": "\\u00e9"}junk'),
    # Regressions: a non-string `n` / `c` must stay among the attributes.
    "6_regress_non_string_n": (6, 'MEGA{"n":5}'),
    "6_regress_non_string_c": (6, 'MEGA{"n":"x","c":[1]}'),
    "7_node_file": (7, json.dumps(nodes[4])),
    "7_node_share": (7, json.dumps(nodes[6])),
    "7_node_sub": (7, json.dumps(nodes[5])),
    "7_key_list": (7, nodes[5]["k"]),
    "7_owner_key": (7, "FoLdEr01\n" + ha + "\n" + b64(ecb(MK, folder_k))),
}
os.makedirs(OUT, exist_ok=True)
for name, (sel, body) in seeds.items():
    with open(os.path.join(OUT, name), "wb") as fh:
        fh.write(bytes([sel]) + body.encode())
