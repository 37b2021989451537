package io.procos.web.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578) already read within its limit: the fields and files a form
 * sent, in order. Only what a form sends is understood; anything else is a clear 400, never a guess.
 */
final class Multipart {

    /** One part: its form name, the file name it came with (null for a plain field) and its bytes. */
    record Part(String name, String fileName, String contentType, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }

        boolean isFile() {
            return fileName != null;
        }
    }

    private static final Pattern BOUNDARY =
            Pattern.compile("(?i)(?:^|;)\\s*boundary=(?:\"([^\"]{1,70})\"|([^;\\s]{1,70}))");
    private static final Pattern NAME = Pattern.compile("(?i)(?:^|;)\\s*name=\"([^\"]*)\"");
    private static final Pattern FILE_NAME = Pattern.compile("(?i)(?:^|;)\\s*filename=\"([^\"]*)\"");
    static final int MAX_PARTS = 100;
    private static final byte[] HEADERS_END = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private Multipart() {}

    /** The boundary of a multipart/form-data content type, or a 400 saying what the body must be. */
    static String boundary(String contentType) throws HttpJson.RequestException {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data"))
            throw new HttpJson.RequestException(
                    415,
                    "the body must be multipart/form-data (a form with the BPMN file), not "
                            + (contentType == null ? "a body without Content-Type" : contentType));
        Matcher m = BOUNDARY.matcher(contentType.substring(contentType.indexOf(';') + 1));
        if (!m.find()) throw new HttpJson.RequestException(400, "the multipart/form-data Content-Type has no boundary");
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    static List<Part> parse(byte[] body, String boundary) throws HttpJson.RequestException {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        if (at < 0) throw malformed("the boundary " + boundary + " never occurs in the body");
        while (true) {
            int after = at + delimiter.length;
            if (startsWith(body, after, "--")) return parts; // the closing delimiter
            if (!startsWith(body, after, "\r\n")) throw malformed("a boundary line does not end with CRLF");
            int headersStart = after + 2;
            int headersEnd = indexOf(body, HEADERS_END, headersStart);
            if (headersEnd < 0) throw malformed("a part's headers do not end with an empty line");
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            int contentStart = headersEnd + 4;
            int contentEnd = indexOf(body, next, contentStart);
            if (contentEnd < 0) throw malformed("the last part is not closed by the boundary");
            if (parts.size() == MAX_PARTS)
                throw new HttpJson.RequestException(400, "the form has more than " + MAX_PARTS + " parts");
            parts.add(part(headers, java.util.Arrays.copyOfRange(body, contentStart, contentEnd)));
            at = contentEnd + 2;
        }
    }

    private static Part part(String headers, byte[] content) throws HttpJson.RequestException {
        String disposition = null;
        String type = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (header.equals("content-disposition")) disposition = value;
            else if (header.equals("content-type")) type = value;
        }
        if (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data"))
            throw malformed("a part has no Content-Disposition: form-data header");
        Matcher name = NAME.matcher(disposition);
        if (!name.find()) throw malformed("a part's Content-Disposition has no name");
        Matcher file = FILE_NAME.matcher(disposition);
        return new Part(name.group(1), file.find() ? file.group(1) : null, type, content);
    }

    private static HttpJson.RequestException malformed(String what) {
        return new HttpJson.RequestException(400, "the multipart/form-data body cannot be read: " + what);
    }

    private static boolean startsWith(byte[] body, int at, String prefix) {
        if (at + prefix.length() > body.length) return false;
        for (int i = 0; i < prefix.length(); i++) if (body[at + i] != prefix.charAt(i)) return false;
        return true;
    }

    static int indexOf(byte[] body, byte[] what, int from) {
        outer:
        for (int i = Math.max(0, from); i <= body.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) if (body[i + j] != what[j]) continue outer;
            return i;
        }
        return -1;
    }
}
