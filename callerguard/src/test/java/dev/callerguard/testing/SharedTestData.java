package dev.callerguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Read-only access to a third-party test corpus under {@code ../shared/testdata} (relative to the project root,
 * Maven's working directory). Every file is checked against the folder's {@code SHA256SUMS} before it is
 * returned, so a test can never pass on edited data; a missing folder, a missing or unlisted file or a wrong
 * digest is an error, never a skipped test. The files are never copied into the project.
 */
public final class SharedTestData {
    /** The corpus root as seen from the project root. */
    public static final Path ROOT = Path.of("..", "shared", "testdata");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path folder;
    private final Map<String, String> sums;

    private SharedTestData(Path folder, Map<String, String> sums) {
        this.folder = folder;
        this.sums = sums;
    }

    /** Real Microsoft Entra ID / Easy Auth artifacts ({@code entra-real}). */
    public static SharedTestData entraReal() {
        return open("entra-real");
    }

    /** Project Wycheproof JOSE vectors ({@code wycheproof}). */
    public static SharedTestData wycheproof() {
        return open("wycheproof");
    }

    private static SharedTestData open(String name) {
        Path folder = ROOT.resolve(name);
        Path sumsFile = folder.resolve("SHA256SUMS");
        if (!Files.isRegularFile(sumsFile)) {
            throw new IllegalStateException("Shared test data missing: " + sumsFile.toAbsolutePath().normalize()
                    + " does not exist. These tests need ../shared/testdata next to the project root.");
        }
        Map<String, String> sums = new LinkedHashMap<>();
        for (String line : read(sumsFile).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.strip().split("\\s+\\*?", 2);
            if (parts.length != 2 || parts[0].length() != 64) {
                throw new IllegalStateException(sumsFile + ": not a sha256sum line: " + line);
            }
            sums.put(parts[1], parts[0].toLowerCase(Locale.ROOT));
        }
        return new SharedTestData(folder, Map.copyOf(sums));
    }

    /** The file's bytes, after checking them against {@code SHA256SUMS}. */
    public byte[] bytes(String fileName) {
        String expected = sums.get(fileName);
        if (expected == null) {
            throw new IllegalStateException(folder.resolve("SHA256SUMS") + " does not list " + fileName);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(folder.resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shared test data " + folder.resolve(fileName), e);
        }
        String actual = sha256(bytes);
        if (!actual.equals(expected)) {
            throw new IllegalStateException(folder.resolve(fileName) + " has SHA-256 " + actual
                    + " but SHA256SUMS says " + expected + ": the corpus was modified");
        }
        return bytes;
    }

    /** The file as UTF-8 text, exactly as stored (no trimming). */
    public String text(String fileName) {
        return new String(bytes(fileName), StandardCharsets.UTF_8);
    }

    /** The file parsed as JSON. */
    public JsonNode json(String fileName) {
        try {
            return MAPPER.readTree(bytes(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(fileName + " is not JSON", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
