package dev.callerguard.auth;

import java.nio.charset.StandardCharsets;

/**
 * The member names of Entra tokens, their headers and Easy Auth principals, kept as constants so that parsing a
 * credential does not allocate and hash a new string for each of them. Only a saving: a name that is not here is
 * read like any other string.
 */
final class KnownNames {
    private static final String[] NAMES = {
        // JWS header (RFC 7515) and Entra's additions
        "alg", "kid", "typ", "x5t", "nonce",
        // registered claims (RFC 7519) and Entra access token claims
        "aud", "iss", "iat", "nbf", "exp", "sub", "jti", "acr", "aio", "amr", "appid", "appidacr", "azp", "azpacr",
        "idp", "idtyp", "ipaddr", "name", "oid", "rh", "roles", "scp", "tid", "unique_name", "upn", "uti", "ver",
        "wids", "xms_mirid", "xms_tcdt", "xms_ftd", "xms_idrel", "xms_cc", "xms_az_rid", "preferred_username",
        // Easy Auth principal (X-MS-CLIENT-PRINCIPAL)
        "auth_typ", "name_typ", "role_typ", "claims", "typ", "val",
    };
    private static final int SLOTS = 256;
    private static final String[] TABLE = new String[SLOTS];
    private static final byte[][] BYTES = new byte[SLOTS][];

    static {
        for (String name : NAMES) {
            byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            int slot = slot(bytes, 0, bytes.length);
            while (TABLE[slot] != null && !TABLE[slot].equals(name)) {
                slot = (slot + 1) & (SLOTS - 1);
            }
            TABLE[slot] = name;
            BYTES[slot] = bytes;
        }
    }

    private KnownNames() {
    }

    /** The constant equal to the ASCII bytes {@code in[from, to)}, or {@code null}. */
    static String find(byte[] in, int from, int to) {
        int length = to - from;
        if (length == 0 || length > 32) {
            return null;
        }
        for (int slot = slot(in, from, to); BYTES[slot] != null; slot = (slot + 1) & (SLOTS - 1)) {
            if (equal(BYTES[slot], in, from, length)) {
                return TABLE[slot];
            }
        }
        return null;
    }

    /** A plain loop: names are short, and {@code Arrays.equals} over ranges costs more than it saves here. */
    private static boolean equal(byte[] known, byte[] in, int from, int length) {
        if (known.length != length) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (known[k] != in[from + k]) {
                return false;
            }
        }
        return true;
    }

    private static int slot(byte[] in, int from, int to) {
        int length = to - from;
        return (length * 31 + in[from] * 17 + in[to - 1] * 7 + in[from + length / 2]) & (SLOTS - 1);
    }
}
