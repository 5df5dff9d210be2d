package io.crm.support;

import java.util.Map;

/** multipart/form-data bodies as a browser sends an upload form: text fields, then one CSV file part. */
public final class Multipart {

    public static final String BOUNDARY = "----crm-test-boundary-7d1f";
    public static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    private Multipart() {
    }

    /** The body: each field, then the file part when {@code csv} is not null. */
    public static String form(Map<String, String> fields, String fileName, String csv) {
        StringBuilder body = new StringBuilder();
        fields.forEach((name, value) -> body.append("--").append(BOUNDARY).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
                .append(value).append("\r\n"));
        if (csv != null) {
            body.append("--").append(BOUNDARY).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"file\"; filename=\"").append(fileName)
                    .append("\"\r\nContent-Type: text/csv\r\n\r\n").append(csv).append("\r\n");
        }
        return body.append("--").append(BOUNDARY).append("--\r\n").toString();
    }

    /** POSTs the form to {@code path}. */
    public static Http.Response post(Http client, String path, Map<String, String> fields, String fileName,
                                     String csv) {
        return client.send("POST", path, CONTENT_TYPE, form(fields, fileName, csv));
    }
}
