package io.crm.inbound;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which attachments are stored: within the size and count limits, of an allowed content type, without a blocked file
 * extension, and whose first bytes agree with the declared type (a program renamed to {@code invoice.pdf} is not a
 * PDF). An attachment that fails is not stored but listed on the message with the reason. Plain Java.
 */
public final class AttachmentPolicy {

    /** The leading bytes of the types whose content is checked. */
    private static final Map<String, List<byte[]>> MAGIC = Map.of(
            "application/pdf", List.of(bytes("%PDF-")),
            "image/png", List.of(new byte[] {(byte) 0x89, 'P', 'N', 'G'}),
            "image/jpeg", List.of(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}),
            "image/gif", List.of(bytes("GIF87a"), bytes("GIF89a")));
    /** Executables whatever they are called: Windows PE, ELF, Mach-O. */
    private static final List<byte[]> EXECUTABLE = List.of(bytes("MZ"), new byte[] {0x7F, 'E', 'L', 'F'},
            new byte[] {(byte) 0xCF, (byte) 0xFA, (byte) 0xED, (byte) 0xFE},
            new byte[] {(byte) 0xFE, (byte) 0xED, (byte) 0xFA, (byte) 0xCF});

    private final long maxSize;
    private final int maxCount;
    private final List<String> types;
    private final List<String> blockedExtensions;

    public AttachmentPolicy(long maxSize, int maxCount, List<String> types, List<String> blockedExtensions) {
        this.maxSize = maxSize;
        this.maxCount = maxCount;
        this.types = types.stream().map(t -> t.strip().toLowerCase(Locale.ROOT)).toList();
        this.blockedExtensions = blockedExtensions.stream().map(e -> e.strip().toLowerCase(Locale.ROOT)).toList();
    }

    /** Why this attachment (the {@code index}-th stored so far) is not stored; null when it is. */
    public String refusal(ParsedEmail.Attachment attachment, int stored) {
        if (stored >= maxCount) {
            return "more than " + maxCount + " attachments";
        }
        if (attachment.content().length > maxSize) {
            return "larger than " + maxSize + " bytes";
        }
        String name = attachment.filename().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        if (dot >= 0 && blockedExtensions.contains(name.substring(dot + 1))) {
            return "file type ." + name.substring(dot + 1) + " is not accepted";
        }
        if (!typeAllowed(attachment.contentType())) {
            return "content type " + attachment.contentType() + " is not accepted";
        }
        if (EXECUTABLE.stream().anyMatch(m -> startsWith(attachment.content(), m))) {
            return "content is an executable program";
        }
        List<byte[]> magic = MAGIC.get(attachment.contentType());
        if (magic != null && magic.stream().noneMatch(m -> startsWith(attachment.content(), m))) {
            return "content does not match its type " + attachment.contentType();
        }
        return null;
    }

    private boolean typeAllowed(String type) {
        for (String allowed : types) {
            if (allowed.equals(type) || allowed.endsWith("/*")
                    && type.startsWith(allowed.substring(0, allowed.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] content, byte[] prefix) {
        return content.length >= prefix.length
                && Arrays.equals(content, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
