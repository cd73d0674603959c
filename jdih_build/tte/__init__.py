"""Certified electronic signatures (TTE) on a lembar persetujuan: a leaf beside `sshsig/`.

- `lembar`: the one-page PDF a signer signs, with the sign-off record embedded;
- `verify`: the PAdES signature, its chain to the office's anchors, its time, its record (pyHanko);
- `certificate`: who a certificate names (NIK, e-mail, fingerprint) and the roster's `tte` identity;
- `anchors`: the office's CA certificates; `revocation`: long-term validation data, fetched once;
- `reasons`: why a lembar does not count, in words.
"""
