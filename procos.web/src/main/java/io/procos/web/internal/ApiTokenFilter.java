package io.procos.web.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Lets a request reach {@code /api/*} only with {@code Authorization: Bearer <token>}, the token
 * being the one the kernel generated into {@code conf/api-token} on first start.
 */
@Component(service = Filter.class, property = {
        "osgi.http.whiteboard.filter.pattern=/api/*",
        "osgi.http.whiteboard.filter.name=procos-api-token"})
public final class ApiTokenFilter implements Filter {

    private final byte[] expected;

    @Activate
    public ApiTokenFilter(BundleContext context) throws IOException {
        this.expected = ("Bearer " + Files.readString(Home.of(context).resolve("conf/api-token")).trim())
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        String header = request.getHeader("Authorization");
        // constant-time comparison, so the token cannot be guessed byte by byte from timings
        if (header != null && MessageDigest.isEqual(expected, header.trim().getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) res;
        response.setHeader("WWW-Authenticate", "Bearer realm=\"procos\"");
        Json.error(response, HttpServletResponse.SC_UNAUTHORIZED, header == null
                ? "missing Authorization header: send 'Authorization: Bearer <token>' with the token from conf/api-token"
                : "wrong bearer token: use the token from conf/api-token");
    }
}
