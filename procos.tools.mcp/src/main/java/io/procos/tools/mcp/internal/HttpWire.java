package io.procos.tools.mcp.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP's Streamable HTTP transport, client side: each message is a POST to the server's URL, answered with JSON or an
 * event stream; the session id the server gives at initialize goes with every later request; a GET stream, where the
 * server offers one, brings its notifications. A session the server no longer knows (HTTP 404) ends the session.
 */
final class HttpWire implements McpSession.Wire {

    private static final Logger LOG = LoggerFactory.getLogger(HttpWire.class);

    private final String server;
    private final URI url;
    private final String authorization;
    private final HttpClient http;
    private volatile McpSession session;
    private volatile String sessionId;
    private volatile String lastError = "";
    private volatile boolean closed;
    private volatile Thread listener;

    HttpWire(String server, URI url, String authorization) {
        this.server = server;
        this.url = url;
        this.authorization = authorization == null ? "" : authorization.strip();
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public void open(McpSession session) {
        this.session = session;
    }

    private HttpRequest.Builder request() {
        HttpRequest.Builder b = HttpRequest.newBuilder(url);
        if (!authorization.isEmpty()) b.header("Authorization", authorization);
        String id = sessionId;
        if (id != null) {
            b.header("Mcp-Session-Id", id);
            b.header("MCP-Protocol-Version", McpSession.PROTOCOL_VERSION);
        }
        return b;
    }

    @Override
    public void send(String message) throws IOException {
        if (closed) throw new IOException("the session is closed");
        HttpRequest post = request()
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(message, StandardCharsets.UTF_8))
                .build();
        // asynchronous: the caller waits for the answer with its own time limit, not for the HTTP exchange
        http.sendAsync(post, HttpResponse.BodyHandlers.ofInputStream()).whenComplete((response, error) -> {
            try {
                if (error != null) {
                    Throwable cause =
                            error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                                    ? error.getCause()
                                    : error;
                    lastError = "cannot reach " + url + ": " + cause;
                    throw new IOException(lastError, error);
                }
                answered(response);
                if (message.contains("\"notifications/initialized\"")) listen();
            } catch (IOException e) {
                session.undeliverable(message, e);
            }
        });
    }

    private void answered(HttpResponse<InputStream> response) throws IOException {
        response.headers().firstValue("Mcp-Session-Id").ifPresent(id -> sessionId = id);
        int status = response.statusCode();
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (status == 404 && sessionId != null) {
            drain(response.body());
            session.end("the server no longer knows the session (HTTP 404)");
            throw new IOException("the server no longer knows the session (HTTP 404)");
        }
        if (status >= 300) {
            lastError = "HTTP " + status + " from " + url + ": " + McpSession.abbreviate(drain(response.body()));
            throw new IOException(lastError);
        }
        if (type.startsWith("text/event-stream")) {
            events(response.body(), false); // on the HTTP client's thread: the caller waits on its own
        } else if (type.startsWith("application/json")) {
            String body = drain(response.body());
            if (!body.isBlank()) session.received(body);
        } else {
            drain(response.body());
        }
    }

    /** The server's own stream of notifications (GET), where it offers one; reopened while the session lasts. */
    private void listen() {
        Thread t = new Thread(
                () -> {
                    while (!closed && !session.ended()) {
                        try {
                            HttpResponse<InputStream> response = http.send(
                                    request()
                                            .header("Accept", "text/event-stream")
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofInputStream());
                            if (response.statusCode() != 200) {
                                drain(response.body());
                                return; // 405: this server sends notifications only in answers
                            }
                            events(response.body(), true);
                        } catch (IOException e) {
                            if (!closed) LOG.debug("MCP server {}: notification stream: {}", server, e.toString());
                            sleep();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "procos-mcp-" + server + "-events");
        t.setDaemon(true);
        listener = t;
        t.start();
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Server-sent events: each event's data lines, joined, is one message. */
    private void events(InputStream body, boolean notifications) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) session.received(data.toString());
                    data.setLength(0);
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) data.append('\n');
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                    if (data.length() > McpSession.MAX_MESSAGE) {
                        lastError = "an event over " + McpSession.MAX_MESSAGE + " bytes";
                        return;
                    }
                }
            }
            if (data.length() > 0) session.received(data.toString());
        } catch (IOException e) {
            if (!closed && !notifications) lastError = "reading an answer failed: " + e.getMessage();
        }
    }

    private static String drain(InputStream body) throws IOException {
        try (body) {
            byte[] bytes = body.readNBytes(McpSession.MAX_MESSAGE + 1);
            if (bytes.length > McpSession.MAX_MESSAGE)
                throw new IOException("an answer over " + McpSession.MAX_MESSAGE + " bytes");
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @Override
    public String lastErrors() {
        return lastError;
    }

    @Override
    public String howEnded() {
        return null;
    }

    @Override
    public void close() {
        closed = true;
        Thread t = listener;
        if (t != null) t.interrupt();
        String id = sessionId;
        if (id == null) return;
        try { // the protocol's way to end a session
            http.send(
                    request().DELETE().timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            LOG.debug("MCP server {}: ending the session: {}", server, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
