package io.crm.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The backup file: a zip archive of {@code manifest.json} (first) and the store file. Plain zip so that an operator
 * can look inside with everyday tools; the manifest's SHA-256 covers the store file, the zip's CRC each entry.
 */
public final class BackupArchive {

    static final String MANIFEST = "manifest.json";
    static final String STORE_FILE = "crm.mv";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BackupArchive() {
    }

    /** Writes {@code storeFile} and its manifest to {@code target} (replacing its content) and forces it to disk. */
    static void write(Path target, BackupManifest manifest, Path storeFile) throws IOException {
        try (OutputStream file = Files.newOutputStream(target, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
             ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry(MANIFEST));
            zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(STORE_FILE));
            Files.copy(storeFile, zip);
            zip.closeEntry();
        }
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** The manifest of a backup file; refuses files that are not backups, or of a newer format. */
    public static BackupManifest manifest(Path file) {
        try (ZipFile zip = open(file)) {
            return manifest(zip, file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * Extracts the store file to {@code target} (which must not exist) and checks it against the manifest: size,
     * SHA-256 and the zip's own CRC. Returns the manifest.
     */
    static BackupManifest extract(Path file, Path target) {
        try (ZipFile zip = open(file)) {
            BackupManifest manifest = manifest(zip, file);
            ZipEntry entry = zip.getEntry(manifest.storeFile());
            if (entry == null) {
                throw new BackupException(file + " is incomplete: it has no " + manifest.storeFile());
            }
            MessageDigest sha = sha256();
            try (InputStream in = new DigestInputStream(zip.getInputStream(entry), sha)) {
                Files.copy(in, target);
            }
            long size = Files.size(target);
            String digest = HexFormat.of().formatHex(sha.digest());
            if (size != manifest.size() || !digest.equals(manifest.sha256())) {
                throw new BackupException(file + " is corrupted: its store file has " + size + " bytes and SHA-256 "
                        + digest + ", the manifest says " + manifest.size() + " bytes and " + manifest.sha256());
            }
            return manifest;
        } catch (ZipException e) {
            throw new BackupException(file + " is corrupted or truncated (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static ZipFile open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BackupException(file + " does not exist or is not a file");
        }
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new BackupException(file + " is not a crm backup (not a zip archive: it is truncated, corrupted "
                    + "or another kind of file)", e);
        }
    }

    private static BackupManifest manifest(ZipFile zip, Path file) throws IOException {
        ZipEntry entry = zip.getEntry(MANIFEST);
        if (entry == null) {
            throw new BackupException(file + " is not a crm backup (no " + MANIFEST + ")");
        }
        BackupManifest manifest;
        try (InputStream in = zip.getInputStream(entry)) {
            // The format is checked before the fields: another program's manifest.json is "not a backup".
            JsonNode tree = JSON.readTree(in);
            String format = tree.path("format").asString(null);
            if (!BackupManifest.FORMAT.equals(format)) {
                throw new BackupException(file + " is not a crm backup (format '" + format + "')");
            }
            int version = tree.path("formatVersion").asInt(0);
            if (version > BackupManifest.FORMAT_VERSION) {
                throw new BackupException(file + " has backup format version " + version
                        + ", newer than this service reads (" + BackupManifest.FORMAT_VERSION
                        + "): restore it with the service that wrote it (" + tree.path("serviceVersion").asString("?")
                        + ") or newer");
            }
            manifest = JSON.treeToValue(tree, BackupManifest.class);
        } catch (JacksonException e) {
            throw new BackupException(file + " is not a crm backup (unreadable " + MANIFEST + ": "
                    + e.getOriginalMessage() + ")", e);
        }
        if (manifest.formatVersion() < 1 || manifest.storeFile() == null || manifest.sha256() == null) {
            throw new BackupException(file + " has an incomplete manifest");
        }
        return manifest;
    }

    private static BackupException unreadable(Path file, IOException e) {
        return new BackupException("cannot read " + file + ": " + e.getMessage(), e);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
