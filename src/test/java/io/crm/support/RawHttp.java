package io.crm.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written byte for byte over a socket, for requests {@link Http} (java.net.URI) would refuse or repair:
 * broken percent-encoding, raw spaces or control bytes in the target, odd methods and headers. One request per
 * connection ({@code Connection: close}); the answer is read to the end and returned as an {@link Http.Response}.
 */
public final class RawHttp {

    private final int port;
    private final String[] defaultHeaders;

    public RawHttp(int port, String... defaultHeaders) {
        this.port = port;
        this.defaultHeaders = defaultHeaders;
    }

    /** The request target goes on the request line exactly as given; headers as name, value pairs. */
    public Http.Response send(String method, String target, String contentType, byte[] body, String... headers) {
        byte[] head = head(method, target, contentType, body, headers);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target + " failed", e);
        }
    }

    /** The body in chunks of at most 4 KiB ({@code Transfer-Encoding: chunked}), so the server learns no length. */
    public Http.Response sendChunked(String method, String target, String contentType, byte[] body,
                                     String... headers) {
        String[] withEncoding = java.util.Arrays.copyOf(headers, headers.length + 2);
        withEncoding[headers.length] = "Transfer-Encoding";
        withEncoding[headers.length + 1] = "chunked";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head(method, target, contentType, null, withEncoding));
            for (int at = 0; at < body.length; at += 4096) {
                int n = Math.min(4096, body.length - at);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, at, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target + " failed", e);
        }
    }

    /** The request line and headers {@link #send} writes, up to and including the blank line. */
    public byte[] head(String method, String target, String contentType, byte[] body, String... headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
        List<String> given = new ArrayList<>();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            given.add(headers[i].toLowerCase(Locale.ROOT));
        }
        for (int i = 0; i + 1 < defaultHeaders.length; i += 2) {
            if (!given.contains(defaultHeaders[i].toLowerCase(Locale.ROOT))) {
                head.append(defaultHeaders[i]).append(": ").append(defaultHeaders[i + 1]).append("\r\n");
            }
        }
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        // ISO-8859-1: every char below 256 is the byte the caller meant (header and target bytes as given)
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    public Http.Response send(String method, String target, String contentType, String body, String... headers) {
        return send(method, target, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                headers);
    }

    private static Http.Response parse(byte[] raw) throws IOException {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (end < 0) {
            throw new IOException("no complete response head in " + raw.length + " bytes");
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).strip(), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).strip());
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        boolean chunked = headers.entrySet().stream().anyMatch(e -> e.getKey().equalsIgnoreCase("Transfer-Encoding")
                && e.getValue().stream().anyMatch(v -> v.equalsIgnoreCase("chunked")));
        if (chunked) {
            body = dechunk(new java.io.ByteArrayInputStream(body));
        }
        return new Http.Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    size.append((char) c);
                }
            }
            String hex = size.toString().split(";")[0].strip();
            if (hex.isEmpty()) {
                return out.toByteArray(); // cut short: what arrived is the body
            }
            int n = Integer.parseInt(hex, 16);
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(in.readNBytes(n));
            in.read();
            in.read(); // CRLF after the chunk
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
