package dev.callerguard.internal.keys;

import com.auth0.jwk.InvalidPublicKeyException;
import com.auth0.jwk.Jwk;
import com.auth0.jwk.JwkException;
import com.auth0.jwk.UrlJwkProvider;
import java.io.IOException;
import java.math.BigInteger;
import java.net.MalformedURLException;
import java.net.URI;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Reads a JWKS document over HTTP with jwks-rsa's {@link UrlJwkProvider} (through {@link KeySetHttpClient}:
 * timeouts set, unreadable entries dropped) and keeps only keys
 * fit to verify RS256 signatures: RSA, at least 2048 bits, a sane exponent, meant for signing, with a unique
 * {@code kid}. Caching is {@link KeySetCache}'s job, so jwks-rsa's own caches (which never forget a removed
 * key) are not used.
 */
public final class JwksKeySetSource implements KeySetSource {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    static final int MIN_MODULUS_BITS = 2048;
    /**
     * The largest modulus and public exponent a key may have: a verification costs about the square of the
     * modulus's length times the exponent's, and the key endpoint is not to choose that cost per forged token
     * (Entra's keys are 2048 bits with e = 65537).
     */
    static final int MAX_MODULUS_BITS = 4096;
    static final BigInteger MAX_EXPONENT = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);

    private static final Logger LOG = Logger.getLogger(JwksKeySetSource.class.getName());

    private final URI url;
    private final UrlJwkProvider provider;

    public JwksKeySetSource(URI url) {
        this.url = url;
        try {
            this.provider = new UrlJwkProvider(url.toURL(), new KeySetHttpClient(CONNECT_TIMEOUT, REQUEST_TIMEOUT));
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a URL: " + url, e);
        }
    }

    @Override
    public Map<String, RSAPublicKey> fetch() throws KeySetFetchException {
        List<Jwk> jwks;
        try {
            jwks = provider.getAll();
        } catch (JwkException | RuntimeException e) {
            throw new KeySetFetchException("cannot read the key set at " + url, e);
        }
        Map<String, RSAPublicKey> keys = usableKeys(jwks);
        if (keys.isEmpty()) {
            throw new KeySetFetchException("the key set at " + url + " holds no usable RS256 key", null);
        }
        return keys;
    }

    /**
     * The usable keys of a key set document already at hand (a saved copy of a tenant's keys), read as the
     * endpoint's answer would be.
     */
    public static Map<String, RSAPublicKey> fromDocument(byte[] document) throws KeySetFetchException {
        List<Jwk> jwks = new ArrayList<>();
        try {
            KeySetHttpClient.readableEntries(document).get("keys").forEach(entry -> jwks.add(KeySetHttpClient.jwk(entry)));
        } catch (IOException e) {
            throw new KeySetFetchException("not a JWKS document", e);
        }
        Map<String, RSAPublicKey> keys = usableKeys(jwks);
        if (keys.isEmpty()) {
            throw new KeySetFetchException("the key set holds no usable RS256 key", null);
        }
        return keys;
    }

    /** The RS256 verification keys of a key set by {@code kid}; a {@code kid} used twice is dropped. */
    public static Map<String, RSAPublicKey> usableKeys(List<Jwk> jwks) {
        Map<String, RSAPublicKey> keys = new HashMap<>();
        Set<String> duplicates = new HashSet<>();
        for (Jwk jwk : jwks) {
            String kid = jwk.getId();
            if (kid == null || kid.isEmpty()) {
                continue;
            }
            RSAPublicKey key = rs256Key(jwk);
            if (key == null) {
                continue;
            }
            if (keys.putIfAbsent(kid, key) != null) {
                duplicates.add(kid);
            }
        }
        if (!duplicates.isEmpty()) {
            LOG.warning(() -> "Key set names " + duplicates.size() + " kid(s) more than once; those keys are not used");
            duplicates.forEach(keys::remove);
        }
        return keys;
    }

    private static RSAPublicKey rs256Key(Jwk jwk) {
        if (!"RSA".equals(jwk.getType())
                || (jwk.getUsage() != null && !"sig".equals(jwk.getUsage()))
                || (jwk.getAlgorithm() != null && !"RS256".equals(jwk.getAlgorithm()))
                || (jwk.getOperationsAsList() != null && !jwk.getOperationsAsList().contains("verify"))) {
            return null;
        }
        PublicKey key;
        try {
            key = jwk.getPublicKey();
        } catch (InvalidPublicKeyException | RuntimeException e) {
            return null;
        }
        if (!(key instanceof RSAPublicKey rsa)) {
            return null;
        }
        BigInteger e = rsa.getPublicExponent();
        int modulusBits = rsa.getModulus().bitLength();
        if (modulusBits < MIN_MODULUS_BITS || modulusBits > MAX_MODULUS_BITS
                || e.compareTo(BigInteger.valueOf(3)) < 0 || e.compareTo(MAX_EXPONENT) > 0 || !e.testBit(0)) {
            return null;
        }
        return rsa;
    }
}
