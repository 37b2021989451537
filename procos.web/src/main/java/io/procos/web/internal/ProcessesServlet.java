package io.procos.web.internal;

import io.procos.api.process.Deployment;
import io.procos.api.process.InvalidProcessException;
import io.procos.api.process.ProcessInfo;
import io.procos.api.process.ProcessService;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code /api/processes}: GET lists deployed domain processes; GET {@code /{key}/bpmn} (optionally {@code
 * ?version=N}) gives one's BPMN XML as deployed; POST (BPMN XML body) deploys, or answers 400 with the parser's
 * messages (and under {@code elements}, for each, the id of the element it concerns) and deploys nothing; POST
 * {@code /validate} checks BPMN the same way without deploying it; POST {@code /{key}/start} (JSON object of
 * variables) starts an instance and its orchestrator.
 */
@ApiOperation(
        method = "GET",
        path = "/api/processes",
        tag = "processes",
        summary = "the deployed domain processes",
        response = ProcessInfo[].class)
@ApiOperation(
        method = "POST",
        path = "/api/processes",
        tag = "processes",
        summary = "validate and deploy a BPMN 2.0 file; nothing is deployed when any check fails",
        response = Deployment.class,
        query = {"name:string:the file name (default process.bpmn)"},
        requestType = "application/xml,text/xml",
        maxBytes = Limits.BPMN_BYTES,
        status = 201,
        errors = {400, 503})
@ApiOperation(
        method = "POST",
        path = "/api/processes/validate",
        tag = "processes",
        summary = "the same checks as a deployment, nothing deployed",
        query = {"name:string:the file name (default process.bpmn)"},
        requestType = "application/xml,text/xml",
        maxBytes = Limits.BPMN_BYTES,
        response = Dto.Valid.class,
        errors = {400, 503})
@ApiOperation(
        method = "GET",
        path = "/api/processes/{key}/bpmn",
        tag = "processes",
        summary = "a deployed process's BPMN XML",
        query = {"version:integer:the version (default: the latest)"},
        responseType = "application/xml",
        errors = {400, 404, 503})
@ApiOperation(
        method = "POST",
        path = "/api/processes/{key}/start",
        tag = "processes",
        summary = "start an instance of the latest version with these variables",
        requestType = "application/json",
        request = Map.class,
        maxBytes = Limits.JSON_BYTES,
        status = 201,
        response = Dto.Started.class,
        errors = {400, 404, 503})
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/processes",
            "osgi.http.whiteboard.servlet.pattern=/api/processes/*",
            "osgi.http.whiteboard.servlet.name=procos-processes"
        })
public final class ProcessesServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ProcessService processes;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            String path = path(request);
            if (path.isEmpty()) {
                HttpJson.write(response, 200, service().processes());
            } else if (path.endsWith("/bpmn") && path.indexOf('/') == path.lastIndexOf('/')) {
                String key = path.substring(0, path.length() - "/bpmn".length());
                String v = HttpJson.parameter(request, "version");
                int version;
                try {
                    version = v == null || v.isBlank() ? 0 : Integer.parseInt(v.trim());
                    if (version < 0) throw new NumberFormatException();
                } catch (NumberFormatException e) {
                    throw new HttpJson.RequestException(400, "version must be a whole number from 1, not '" + v + "'");
                }
                String xml = service()
                        .bpmn(key, version)
                        .orElseThrow(() -> new HttpJson.RequestException(
                                404,
                                "no deployed process '" + key + "'" + (version > 0 ? " in version " + version : "")
                                        + "; GET /api/processes lists the deployed ones"));
                response.setStatus(200);
                response.setContentType("application/xml");
                response.setCharacterEncoding("UTF-8");
                response.getWriter().write(xml);
            } else {
                HttpJson.error(
                        response,
                        404,
                        "no such resource: GET /api/processes" + request.getPathInfo()
                                + " (GET /api/processes lists, GET /api/processes/{key}/bpmn gives one's BPMN)");
            }
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            String path = path(request);
            if (path.isEmpty() || path.equals("validate")) {
                // the body first: asking for a parameter would make the container eat a form-encoded body
                String bpmn = HttpJson.body(request, Limits.BPMN_BYTES);
                String name = HttpJson.parameter(request, "name");
                if (bpmn.isBlank())
                    throw new HttpJson.RequestException(400, "the body is empty: send the BPMN 2.0 XML to deploy");
                String resource = name == null ? "process.bpmn" : name;
                try {
                    if (path.isEmpty()) {
                        HttpJson.write(response, 201, service().deploy(resource, bpmn));
                    } else {
                        service().validate(resource, bpmn);
                        HttpJson.write(response, 200, new Dto.Valid(true));
                    }
                } catch (InvalidProcessException e) {
                    throw new HttpJson.RequestException(
                            400,
                            e.getMessage() + (path.isEmpty() ? ". Nothing was deployed." : ""),
                            e.problems(),
                            e.elementIds());
                }
            } else if (path.endsWith("/start") && path.indexOf('/') == path.lastIndexOf('/')) {
                String key = path.substring(0, path.length() - "/start".length());
                Map<String, Object> variables = HttpJson.objectBody(request, Limits.JSON_BYTES);
                String id;
                try {
                    id = service().start(key, variables);
                } catch (IllegalArgumentException e) {
                    // an unknown key, or variables the engine cannot keep: which one, the list of processes says
                    boolean deployed =
                            service().processes().stream().anyMatch(p -> p.key().equals(key));
                    throw deployed
                            ? new HttpJson.RequestException(400, e.getMessage() + "; nothing was started")
                            : new HttpJson.RequestException(
                                    404, e.getMessage() + "; GET /api/processes lists the deployed ones");
                }
                HttpJson.write(response, 201, new Dto.Started(id, key));
            } else {
                throw new HttpJson.RequestException(
                        404,
                        "no such resource: POST /api/processes/" + path
                                + " (POST /api/processes deploys, POST /api/processes/validate checks,"
                                + " POST /api/processes/{key}/start starts)");
            }
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }

    private ProcessService service() throws HttpJson.RequestException {
        return HttpJson.available(processes, "the process engine");
    }

    static String path(HttpServletRequest request) {
        String info = request.getPathInfo();
        if (info == null) return "";
        return info.startsWith("/") ? info.substring(1) : info;
    }
}
