"""A test PKI shaped like Indonesia's national one (BSrE of BSSN), for the TTE sign-off tests.

A root CA, an intermediate that issues signers' certificates (BSrE's chain is root -> an issuing CA ->
the person), certificates whose subject carries what BSrE's carry (CN the person's name, serialNumber
the NIK, the e-mail in the subject and in subjectAltName, O the agency), an OCSP responder and CRLs
served on 127.0.0.1, and a time-stamping authority (pyHanko's in-process one). Built with
`cryptography`; nothing is mocked: pyHanko signs and verifies against it as it would against BSrE.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from jdih_build.tte.loop import outside_loop

UTC = dt.UTC
EPOCH = dt.datetime(2024, 1, 1, tzinfo=UTC)


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(**parts: str) -> x509.Name:
    oids = {"cn": NameOID.COMMON_NAME, "o": NameOID.ORGANIZATION_NAME, "ou": NameOID.ORGANIZATIONAL_UNIT_NAME,
            "c": NameOID.COUNTRY_NAME, "serial": NameOID.SERIAL_NUMBER, "email": NameOID.EMAIL_ADDRESS}
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in parts.items()])


@dataclass
class Issued:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.cert.public_bytes(serialization.Encoding.DER)).hexdigest()


@dataclass
class TestPki:
    """Root -> issuing CA -> signers. `revoked` maps a signer's serial to when it was revoked."""

    __test__ = False   # not a pytest class

    root: Issued
    issuing: Issued
    base_url: str = "http://127.0.0.1:9"
    revoked: dict[int, dt.datetime] = field(default_factory=dict)
    signers: list[Issued] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    epoch: dt.datetime = EPOCH

    @classmethod
    def create(cls, base_url: str = "http://127.0.0.1:9", name: str = "Uji", epoch: dt.datetime = EPOCH) -> TestPki:
        root_key = _key()
        root_name = _name(c="ID", o=f"Badan Siber dan Sandi Negara ({name})", cn=f"Root CA Indonesia {name} - UJI, BUKAN UNTUK PRODUKSI")
        root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
                .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(epoch).not_valid_after(epoch + dt.timedelta(days=3650 * 3))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
                .sign(root_key, hashes.SHA256()))
        pki = cls(Issued(root, root_key), Issued(root, root_key), base_url, epoch=epoch)
        issuing_key = _key()
        issuing_name = _name(c="ID", o=f"Badan Siber dan Sandi Negara ({name})", cn=f"OSD BSrE {name} - UJI")
        issuing = (x509.CertificateBuilder().subject_name(issuing_name).issuer_name(root_name)
                   .public_key(issuing_key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(epoch).not_valid_after(epoch + dt.timedelta(days=3650 * 2))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                   .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(issuing_key.public_key()), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
                   .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                       [x509.UniformResourceIdentifier(f"{base_url}/root.crl")], None, None, None)]), critical=False)
                   .sign(root_key, hashes.SHA256()))
        pki.issuing = Issued(issuing, issuing_key)
        return pki

    def signer(self, nama: str, nik: str | None = None, email: str | None = None, *,
               not_before: dt.datetime = EPOCH, days: int = 3650, issuer: Issued | None = None,
               self_signed: bool = False, rsa_key: bool = False) -> Issued:
        """A person's signing certificate, as BSrE issues them (NIK in serialNumber, e-mail twice; BSrE's
        keys are RSA 2048, `rsa_key`; the default EC key keeps the tests fast)."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if rsa_key else _key()
        parts = {"c": "ID", "o": "Komisi Pemilihan Umum", "cn": nama}
        if nik:
            parts["serial"] = nik
        if email:
            parts["email"] = email
        subject = _name(**parts)
        issuer = issuer or self.issuing
        builder = (x509.CertificateBuilder().subject_name(subject)
                   .issuer_name(subject if self_signed else issuer.cert.subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(not_before).not_valid_after(not_before + dt.timedelta(days=days))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                                         x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")]), critical=False))
        if email:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
        if not self_signed:
            builder = (builder
                       .add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
                           x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(f"{self.base_url}/ocsp"))]), critical=False)
                       .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                           [x509.UniformResourceIdentifier(f"{self.base_url}/issuing.crl")], None, None, None)]), critical=False))
        cert = builder.sign(key if self_signed else issuer.key, hashes.SHA256())
        issued = Issued(cert, key)
        self.signers.append(issued)
        return issued

    def tsa(self) -> Issued:
        """The time-stamping authority's certificate, issued by the issuing CA (made once)."""
        if getattr(self, "_tsa", None) is None:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)   # pyHanko's test TSA signs RSA only
            cert = (x509.CertificateBuilder().subject_name(_name(c="ID", o="BSSN (Uji)", cn="TSA BSrE - UJI"))
                    .issuer_name(self.issuing.cert.subject).public_key(key.public_key())
                    .serial_number(x509.random_serial_number())
                    .not_valid_before(self.epoch).not_valid_after(self.epoch + dt.timedelta(days=3650))
                    .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                    .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                        [x509.UniformResourceIdentifier(f"{self.base_url}/issuing.crl")], None, None, None)]), critical=False)
                    .sign(self.issuing.key, hashes.SHA256()))
            self._tsa = Issued(cert, key)
        return self._tsa

    def revoke(self, who: Issued, when: dt.datetime) -> None:
        self.revoked[who.cert.serial_number] = when

    def crl(self, of: Issued, now: dt.datetime) -> bytes:
        builder = (x509.CertificateRevocationListBuilder().issuer_name(of.cert.subject)
                   .last_update(now - dt.timedelta(minutes=5)).next_update(now + dt.timedelta(days=7)))
        if of is self.issuing:
            for serial, when in self.revoked.items():
                builder = builder.add_revoked_certificate(
                    x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build())
        return builder.sign(of.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_answer(self, request_der: bytes, now: dt.datetime) -> bytes:
        request = ocsp.load_der_ocsp_request(request_der)
        cert = next((s.cert for s in self.signers if s.cert.serial_number == request.serial_number), None)
        if cert is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(serialization.Encoding.DER)
        revoked_at = self.revoked.get(cert.serial_number)
        status = ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD
        builder = (ocsp.OCSPResponseBuilder()
                   .add_response(cert=cert, issuer=self.issuing.cert, algorithm=hashes.SHA256(), cert_status=status,
                                 this_update=now - dt.timedelta(minutes=1), next_update=now + dt.timedelta(days=1),
                                 revocation_time=revoked_at, revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None)
                   .responder_id(ocsp.OCSPResponderEncoding.HASH, self.issuing.cert))
        return builder.sign(self.issuing.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    @property
    def anchors_pem(self) -> bytes:
        return self.root.pem


@contextmanager
def online(name: str = "Uji", clock: dt.datetime | None = None) -> Iterator[TestPki]:
    """A PKI whose OCSP responder and CRLs are served on 127.0.0.1 while the block runs (its
    certificates point there); `pki.requests` lists the paths asked for."""
    box: list[TestPki] = []
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            pki, now = box[0], clock or dt.datetime.now(UTC)
            asked.append(self.path)
            if self.path == "/root.crl":
                self._send(pki.crl(pki.root, now), "application/pkix-crl")
            elif self.path == "/issuing.crl":
                self._send(pki.crl(pki.issuing, now), "application/pkix-crl")
            else:
                self.send_error(404)

        def do_POST(self) -> None:  # noqa: N802
            pki, now = box[0], clock or dt.datetime.now(UTC)
            asked.append(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self._send(pki.ocsp_answer(body, now), "application/ocsp-response")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        pki = TestPki.create(f"http://127.0.0.1:{server.server_address[1]}", name)
        pki.requests = asked
        box.append(pki)
        yield pki
    finally:
        server.shutdown()
        server.server_close()


def sign_pdf(pdf: bytes, who: Issued, pki: TestPki, *, when: dt.datetime | None = None, timestamp: bool = False,
             field_name: str = "Signature1", embed_revocation: bytes | None = None) -> bytes:
    """Sign `pdf` as a PAdES signature with pyHanko (what a desktop signer or Besign does)."""
    from asn1crypto import x509 as a509
    from pyhanko.keys import load_private_key_from_pemder_data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers, timestamps
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def a(cert: x509.Certificate) -> a509.Certificate:
        return a509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    key_der = who.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    signer = signers.SimpleSigner(
        signing_cert=a(who.cert), signing_key=load_private_key_from_pemder_data(key_der, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs([a(pki.issuing.cert), a(pki.root.cert)]))
    stamper = None
    if timestamp:
        tsa = pki.tsa()
        stamper = timestamps.DummyTimeStamper(tsa_cert=a(tsa.cert), tsa_key=load_private_key_from_pemder_data(
            tsa.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()), None),
            certs_to_embed=SimpleCertificateStore.from_certs([a(pki.issuing.cert), a(pki.root.cert)]),
            fixed_dt=when)
    meta = signers.PdfSignatureMetadata(field_name=field_name, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=stamper)
    if when is None:
        return outside_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())
    # A signer's clock: pyHanko takes the signing time from its system clock (as every app does).
    from unittest import mock

    from pyhanko.sign.signers import pdf_signer as module
    with mock.patch.object(module, "datetime", wraps=dt.datetime) as clock:
        clock.now.return_value = when
        return outside_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())


def with_revinfo(pdf: bytes, who: Issued, pki: TestPki, now: dt.datetime) -> bytes:
    """`pdf` with the OCSP answer for `who` and the root's CRL appended as a document security store
    (what `jdih terima` fetches online), made directly: also for a revoked certificate, which pyHanko's
    own fetcher refuses to add."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    request = ocsp.OCSPRequestBuilder().add_certificate(who.cert, pki.issuing.cert, hashes.SHA1()).build()
    answer = pki.ocsp_answer(request.public_bytes(serialization.Encoding.DER), now)
    out = io.BytesIO(pdf)
    outside_loop(lambda: DocumentSecurityStore.add_dss(out, None, ocsps=[asn1_ocsp.OCSPResponse.load(answer)],
                                                       crls=[asn1_crl.CertificateList.load(pki.crl(pki.root, now))]))
    return out.getvalue()
