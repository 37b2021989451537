package io.procos.web.internal;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request reach {@code /api/*} (and the Camunda-compatible {@code /engine-rest/*} and MCP's {@code /mcp}) only with {@code Authorization: Bearer <token>}, the token being
 * the one the kernel generated into {@code conf/api-token} on first start. It fails closed: every
 * {@code /api/*} servlet requires this component (so none is registered before it is active), and
 * while the token file is missing or empty every request gets 503 with the reason, never the route.
 */
@Component(
        service = {Filter.class, ApiTokenFilter.class},
        property = {
            "osgi.http.whiteboard.filter.pattern=/api/*",
            "osgi.http.whiteboard.filter.pattern=/engine-rest/*",
            "osgi.http.whiteboard.filter.pattern=/mcp",
            "osgi.http.whiteboard.filter.name=procos-api-token"
        })
public final class ApiTokenFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(ApiTokenFilter.class);

    /** The most of an unread body dropped to keep a connection, after a route answered. */
    static final long UNREAD_LIMIT = 1024 * 1024;
    /** The same for a request without the token: beyond it the connection is closed. */
    static final long UNREAD_WITHOUT_TOKEN = 64 * 1024;

    private final Path tokenFile;
    /** The token as last read, with the file's modification time then; re-read when the file changes. */
    private volatile Token token;

    private record Token(byte[] expected, FileTime readAt) {}

    @Activate
    public ApiTokenFilter(BundleContext context) {
        this.tokenFile = Home.of(context).resolve("conf/api-token");
        this.token = load(null);
    }

    /** The expected header now; null (and logged once per change) when the token file is missing, unreadable or empty. */
    private byte[] expected() {
        FileTime now;
        try {
            now = Files.getLastModifiedTime(tokenFile);
        } catch (IOException missing) {
            if (token == null || token.readAt() != null) {
                LOG.error("{} is missing: every /api request is refused with 503 until it is back", tokenFile);
                token = new Token(null, null);
            }
            return null;
        }
        Token t = token;
        if (t == null || !now.equals(t.readAt())) token = t = load(now);
        return t.expected();
    }

    private Token load(FileTime readAt) {
        try {
            String text = Files.readString(tokenFile).trim();
            if (text.isEmpty()) {
                LOG.error("{} is empty: every /api request is refused with 503 until it holds a token", tokenFile);
                return new Token(null, readAt);
            }
            return new Token(("Bearer " + text).getBytes(StandardCharsets.UTF_8), readAt);
        } catch (IOException e) {
            LOG.error(
                    "{} cannot be read ({}): every /api request is refused with 503 until it can",
                    tokenFile,
                    e.toString());
            return new Token(null, readAt);
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        byte[] expected = expected();
        if (expected == null) {
            HttpJson.error(
                    response,
                    HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "the API token (conf/api-token) is missing or empty, "
                            + "so no request is let through; restart ProcOS to generate one, or write one into that file");
            return;
        }
        String header = request.getHeader("Authorization");
        // constant-time comparison, so the token cannot be guessed byte by byte from timings
        if (header != null && MessageDigest.isEqual(expected, header.trim().getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(req, res);
            HttpJson.dropUnread(request, response, UNREAD_LIMIT);
            return;
        }
        // without the token: read no more than a little of what it sent
        HttpJson.dropUnread(request, response, UNREAD_WITHOUT_TOKEN);
        response.setHeader("WWW-Authenticate", "Bearer realm=\"procos\"");
        HttpJson.error(
                response,
                HttpServletResponse.SC_UNAUTHORIZED,
                header == null
                        ? "missing Authorization header: send 'Authorization: Bearer <token>' with the token from conf/api-token"
                        : "wrong bearer token: use the token from conf/api-token");
    }
}
