package io.procos.web.internal;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet of {@code /api}: a method it does not serve (PATCH, TRACE, a PUT where there is nothing to put)
 * is a JSON 405 naming the methods it does serve, never the container's empty, HTML or 501 answer; OPTIONS
 * lists them; and a failure nobody expected is a JSON 500 that says what failed, logged with its stack trace.
 */
abstract class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

    /** The methods this servlet serves: those whose {@code doXxx} it overrides, HEAD with GET. */
    private final transient List<String> methods = served(getClass());

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        if (method.equals("OPTIONS")) {
            response.setHeader("Allow", String.join(", ", methods));
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        if (!methods.contains(method)) {
            response.setHeader("Allow", String.join(", ", methods));
            HttpJson.error(
                    response,
                    HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    method + " is not served at " + request.getRequestURI() + "; it serves "
                            + String.join(", ", methods));
            return;
        }
        try {
            super.service(request, response);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.error("{} {} failed", method, request.getRequestURI(), e);
            if (response.isCommitted()) throw e;
            response.reset();
            HttpJson.error(
                    response,
                    HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                    "ProcOS failed to answer " + method + " " + request.getRequestURI() + " (" + e
                            + "); this is a bug, the log data/log/procos.log has the details");
        }
    }

    private static List<String> served(Class<?> type) {
        List<String> served = new ArrayList<>();
        for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
            String name = "do" + method.charAt(0) + method.substring(1).toLowerCase(Locale.ROOT);
            for (Class<?> c = type; c != ApiServlet.class; c = c.getSuperclass()) {
                try {
                    c.getDeclaredMethod(name, HttpServletRequest.class, HttpServletResponse.class);
                    served.add(method);
                    if (method.equals("GET")) served.add("HEAD");
                    break;
                } catch (NoSuchMethodException notHere) {
                    // look in the superclass
                }
            }
        }
        served.add("OPTIONS");
        return List.copyOf(served);
    }
}
