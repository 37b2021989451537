package io.procos.web.internal;

import io.procos.api.process.InstanceEvent;
import io.procos.api.tool.Tool;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * {@code GET /api/events}: what changes in ProcOS, pushed as server-sent events while the request stays open,
 * so a page shows it as it happens without polling. {@code event: instance} with {@code {"instanceId": …}} when a
 * domain instance changed ({@link InstanceEvent}; {@code ?instance=<id>} keeps only one instance's), {@code event:
 * tools} when a tool came or went; a comment line every {@value #HEARTBEAT_SECONDS} s keeps proxies from closing
 * an idle stream and tells a closed one. An event says only what changed: the client reads the resource again. At
 * most {@value #MAX_STREAMS} streams are open at once (each holds a request thread); one more is a 503.
 */
@ApiOperation(
        method = "GET",
        path = "/api/events",
        tag = "system",
        summary = "server-sent events: instance (one changed, after commit) and tools (one came or went)",
        query = {"instance:string:only this instance's events"},
        responseType = "text/event-stream",
        errors = {404, 503})
@Component(
        service = {Servlet.class, EventHandler.class},
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/events",
            "osgi.http.whiteboard.servlet.name=procos-events",
            EventConstants.EVENT_TOPIC + "=" + InstanceEvent.TOPIC
        })
public final class EventsServlet extends ApiServlet implements EventHandler {

    private static final long serialVersionUID = 1L;
    static final int MAX_STREAMS = 32;
    static final int HEARTBEAT_SECONDS = 15;
    /** Events a slow client may fall behind by before the oldest are dropped: it reads the resource anyway. */
    private static final int QUEUE = 256;

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    private record Message(String event, String data) {}

    private static final Message END = new Message(null, null);

    private record Stream(String instance, BlockingQueue<Message> queue) {
        void offer(Message m) {
            while (!queue.offer(m)) queue.poll(); // the oldest goes: the newest says as much
        }
    }

    private final transient Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    @Reference(
            service = Tool.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            bind = "toolsChanged",
            unbind = "toolsChanged")
    void toolsChanged(Map<String, Object> properties) {
        Message m = new Message("tools", "{}");
        for (Stream s : streams) s.offer(m);
    }

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(InstanceEvent.INSTANCE_ID) instanceof String id)) return;
        Message m = new Message("instance", HttpJson.json(Map.of("instanceId", id)));
        for (Stream s : streams) {
            if (s.instance() == null || s.instance().equals(id)) s.offer(m);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (!ProcessesServlet.path(request).isEmpty())
                throw new HttpJson.RequestException(404, "no such resource: GET /api/events" + request.getPathInfo());
            String instance = HttpJson.parameter(request, "instance");
            if (instance != null && instance.isBlank()) instance = null;
            if (closed) throw new HttpJson.RequestException(503, "ProcOS is stopping");
            Stream stream = new Stream(instance, new ArrayBlockingQueue<>(QUEUE));
            synchronized (streams) {
                if (streams.size() >= MAX_STREAMS)
                    throw new HttpJson.RequestException(
                            503, MAX_STREAMS + " event streams are open already; close one or try again later");
                streams.add(stream);
            }
            try {
                response.setStatus(200);
                response.setContentType("text/event-stream");
                response.setCharacterEncoding("UTF-8");
                response.setHeader("Cache-Control", "no-store");
                response.setHeader("X-Accel-Buffering", "no");
                PrintWriter out = response.getWriter();
                out.write(": procos events\n\n");
                out.flush();
                while (!closed) {
                    Message m = stream.queue().poll(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
                    if (m == END) break;
                    if (m == null) out.write(": still here\n\n");
                    else out.write("event: " + m.event() + "\ndata: " + m.data() + "\n\n");
                    out.flush();
                    if (out.checkError()) break; // the client went away
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                streams.remove(stream);
            }
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }

    @Deactivate
    void deactivate() {
        closed = true;
        for (Stream s : streams) s.offer(END);
    }
}
