package dev.callerguard.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * Self-signed X.509 certificates for tests (an attacker's {@code x5c}), encoded by hand in DER because the JDK
 * has no public certificate builder. The result is parsed back with {@link CertificateFactory} and its signature
 * checked, so a mistake in the encoding fails here rather than in the test that uses it.
 */
public final class TestCertificates {
    private static final byte[] SHA256_WITH_RSA = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7,
            0x0D, 0x01, 0x01, 0x0B};
    private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};

    private TestCertificates() {
    }

    /** An RSA key pair's self-signed certificate with subject and issuer {@code CN=commonName}, SHA256withRSA. */
    public static X509Certificate selfSigned(KeyPair pair, String commonName) {
        byte[] algorithm = tlv(0x30, SHA256_WITH_RSA, new byte[] {0x05, 0x00});
        byte[] name = tlv(0x30, tlv(0x31, tlv(0x30, COMMON_NAME,
                tlv(0x0C, commonName.getBytes(StandardCharsets.UTF_8)))));
        byte[] validity = tlv(0x30, tlv(0x17, ascii("260101000000Z")), tlv(0x17, ascii("360101000000Z")));
        byte[] tbs = tlv(0x30,
                tlv(0xA0, tlv(0x02, new byte[] {0x02})),
                tlv(0x02, BigInteger.valueOf(0x5EC0DE).toByteArray()),
                algorithm, name, validity, name,
                pair.getPublic().getEncoded());
        byte[] signature = sign(tbs, pair);
        byte[] bitString = new byte[signature.length + 1];
        System.arraycopy(signature, 0, bitString, 1, signature.length);
        byte[] der = tlv(0x30, tbs, algorithm, tlv(0x03, bitString));
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            certificate.verify(pair.getPublic());
            return certificate;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the hand-made certificate is not valid DER", e);
        }
    }

    private static byte[] sign(byte[] tbs, KeyPair pair) {
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(pair.getPrivate());
            signer.update(tbs);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.size();
        if (length < 0x80) {
            out.write(length);
        } else {
            byte[] bytes = BigInteger.valueOf(length).toByteArray();
            int skip = bytes[0] == 0 ? 1 : 0;
            out.write(0x80 | (bytes.length - skip));
            out.write(bytes, skip, bytes.length - skip);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }
}
