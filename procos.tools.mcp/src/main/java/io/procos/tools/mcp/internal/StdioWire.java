package io.procos.tools.mcp.internal;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP's stdio transport: newline-delimited JSON-RPC on a server process's standard input and output; its standard
 * error is kept (the last lines) for health and logs. Closing it closes the server's input, MCP's way to ask it to
 * end, and ends it if it does not.
 */
final class StdioWire implements McpSession.Wire {

    private static final Logger LOG = LoggerFactory.getLogger(StdioWire.class);

    private final String server;
    private final Process process;
    private final OutputStream out;
    private final Deque<String> stderr = new ArrayDeque<>();

    StdioWire(String server, Process process) {
        this.server = server;
        this.process = process;
        this.out = process.getOutputStream();
    }

    @Override
    public void open(McpSession session) {
        Thread reader = new Thread(() -> read(session), "procos-mcp-" + server + "-out");
        reader.setDaemon(true);
        reader.start();
        Thread errors = new Thread(this::readErrors, "procos-mcp-" + server + "-err");
        errors.setDaemon(true);
        errors.start();
    }

    @Override
    public void send(String message) throws IOException {
        byte[] line = (message + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(line);
            out.flush();
        }
    }

    private void read(McpSession session) {
        InputStream in = process.getInputStream();
        String why = "its output ended";
        try {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            outer:
            while ((n = in.read(buffer)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != '\n') continue;
                    line.write(buffer, start, i - start);
                    start = i + 1;
                    if (line.size() > McpSession.MAX_MESSAGE) {
                        why = "it sent a message over " + McpSession.MAX_MESSAGE + " bytes";
                        break outer;
                    }
                    session.received(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                }
                line.write(buffer, start, n - start);
                if (line.size() > McpSession.MAX_MESSAGE) {
                    why = "it sent a message over " + McpSession.MAX_MESSAGE + " bytes";
                    break;
                }
            }
        } catch (IOException e) {
            why = "reading its output failed: " + e.getMessage();
        } finally {
            process.destroy();
            try {
                process.waitFor(2, TimeUnit.SECONDS); // so its exit code is there for whoever reports the end
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            session.end(why);
        }
    }

    private void readErrors() {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                String kept = McpSession.abbreviate(line);
                LOG.debug("MCP server {}: {}", server, kept);
                synchronized (stderr) {
                    stderr.addLast(kept);
                    while (stderr.size() > 5) stderr.removeFirst();
                }
            }
        } catch (IOException ignored) {
            // the server is gone
        }
    }

    @Override
    public String lastErrors() {
        synchronized (stderr) {
            return String.join(" | ", stderr);
        }
    }

    @Override
    public String howEnded() {
        return process.isAlive() ? null : "exit code " + process.exitValue();
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
