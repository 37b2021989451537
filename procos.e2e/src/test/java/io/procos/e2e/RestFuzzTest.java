package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated requests, from a printed seed, to every route the distribution serves, with every
 * method each accepts and the ones it does not: no answer may be a 5xx, every error from {@code /api} is
 * JSON saying what was wrong, a wrong or missing token is a 401, and ProcOS is alive, healthy and still
 * holds what it accepted before. {@code -Dprocos.fuzz.seed=…} replays a run, {@code -Dprocos.fuzz.requests=…}
 * sets how many requests are sent; the run stops after 90 s whatever the count.
 */
class RestFuzzTest {

    static final long SEED = Long.getLong("procos.fuzz.seed", 20261201L);
    static final int REQUESTS = Integer.getInteger("procos.fuzz.requests", 1500);
    static final Duration BUDGET = Duration.ofSeconds(90);
    /**
     * The whole test, start and stop of ProcOS included: on a loaded machine the start takes longer, and the
     * fuzzing stops earlier, leaving {@link #AFTERWARDS} for the checks after it and the stop.
     */
    static final Duration WHOLE_TEST = Duration.ofSeconds(120);

    static final Duration AFTERWARDS = Duration.ofSeconds(20);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Client threads: a streamed {@code /api/das/ask} or a slow command does not hold up the rest. */
    static final int CLIENTS = 4;

    static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE");

    /** One method on one route, with a valid body for it (null: none) and the most body it accepts. */
    record Route(String method, String path, String contentType, String body, int maxBytes, int weight) {}

    /** One request as sent, and what it was made from. */
    record Probe(
            String method,
            String target,
            String contentType,
            byte[] body,
            String authorization,
            String mutation,
            boolean raw,
            boolean expectUnauthorized) {}

    record Answer(Probe probe, int status, String contentType, String body, String failure, long millis) {}

    @Test
    void randomAndMutatedRequestsToEveryRouteGetNo5xxAndLoseNothing() throws Exception {
        long began = System.nanoTime();
        try (Distribution procos = Distribution.fresh("fuzz")) {
            procos.start();
            procos.awaitHealthy();

            // given what ProcOS accepted before: a process, a run of it with its variables and file, a note
            HttpResponse<String> deployed = procos.post(
                    "/api/processes?name=anchor.bpmn",
                    "application/xml",
                    ProcessRestTest.process(
                            "fuzz-anchor", null, "Keep the anchor|Put \"still here\" into anchor/kept.txt"));
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
            String anchorId = procos.json(procos.post(
                            "/api/processes/fuzz-anchor/start", "application/json", "{\"ticket\": \"A-17\"}"))
                    .path("id")
                    .asText();
            assertThat(procos.awaitInstanceEnd(anchorId, Duration.ofSeconds(60))
                            .path("state")
                            .asText())
                    .isEqualTo("COMPLETED");
            // memory takes a note while its graph server still starts (it is kept in its log until then)
            String note = "The anchor note of the fuzz run: the Utrecht depot keeps spare pallets in bay 7.";
            assertThat(procos.post(
                                    "/api/memory",
                                    "application/json",
                                    Distribution.JSON.writeValueAsString(Map.of("text", note, "kind", "note")))
                            .statusCode())
                    .isEqualTo(201);
            HttpResponse<String> target = procos.post(
                    "/api/processes?name=target.bpmn",
                    "application/xml",
                    ProcessRestTest.process("fuzz-target", null, "Write the mark|Put \"mark\" into fuzz/mark.txt"));
            assertThat(target.statusCode()).as(target.body()).isEqualTo(201);
            List<Route> routes = routes(procos, anchorId);
            Route deploy = routes.stream()
                    .filter(r -> r.path().startsWith("/api/processes?"))
                    .findFirst()
                    .orElseThrow();
            assertThat(procos.post(deploy.path(), deploy.contentType(), deploy.body())
                            .statusCode())
                    .isEqualTo(201);

            // when about 1,500 random and mutated requests are sent, from the seed
            Random random = new Random(SEED);
            List<Probe> probes = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) probes.add(probe(random, routes, procos.token()));
            System.out.printf(
                    "REST fuzz: seed %d (-Dprocos.fuzz.seed=%d replays it), %d requests planned over %d routes%n",
                    SEED, SEED, probes.size(), routes.size());

            ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
            AtomicInteger next = new AtomicInteger();
            MemoryTest.awaitMemory(procos, "UP", Duration.ofSeconds(90));
            long start = System.nanoTime();
            long deadline = Math.min(
                    start + BUDGET.toNanos(),
                    began + WHOLE_TEST.minus(AFTERWARDS).toNanos());
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                clients.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < probes.size() && System.nanoTime() < deadline; ) {
                        answers.add(send(procos, probes.get(i)));
                    }
                });
            }
            clients.shutdown();
            assertThat(clients.awaitTermination(BUDGET.toSeconds() + 2 * REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .isTrue();
            long millis = (System.nanoTime() - start) / 1_000_000;

            // then: the figures, and every answer that is a 5xx, an HTML page or not a 401 where one is due
            Map<Integer, Integer> byStatus = new TreeMap<>();
            answers.forEach(a -> byStatus.merge(a.status(), 1, Integer::sum));
            long jetty = answers.stream().filter(a -> jettyBadMessage(a)).count();
            System.out.printf(
                    "REST fuzz: seed %d, %d requests sent in %d ms (%.0f/s), per status %s; %d refused by Jetty's "
                            + "URI parser before reaching ProcOS%n",
                    SEED, answers.size(), millis, answers.size() * 1000.0 / Math.max(millis, 1), byStatus, jetty);
            if (answers.size() < probes.size())
                System.out.printf(
                        "REST fuzz: stopped by the time bound after %d of %d requests%n",
                        answers.size(), probes.size());
            System.out.printf(
                    "REST fuzz: per mutation %s%n",
                    new TreeMap<>(answers.stream()
                            .collect(Collectors.groupingBy(a -> a.probe().mutation(), Collectors.counting()))));
            answers.stream()
                    .sorted(java.util.Comparator.comparingLong(Answer::millis).reversed())
                    .limit(5)
                    .forEach(a -> System.out.printf(
                            "REST fuzz: slow: %d ms %s %s [%s] -> %d%n",
                            a.millis(),
                            a.probe().method(),
                            excerpt(a.probe().target()),
                            a.probe().mutation(),
                            a.status()));
            List<String> failures = answers.stream()
                    .filter(a -> a.failure() != null)
                    .map(RestFuzzTest::describe)
                    .sorted()
                    .toList();
            failures.forEach(f -> System.out.println("REST fuzz failure: " + f));
            assertThat(failures)
                    .as(
                            "%d of %d answers broke a rule (seed %d):%n%s",
                            failures.size(), answers.size(), SEED, String.join("\n", failures))
                    .isEmpty();
            assertThat(answers.size()).as("requests sent within %s", BUDGET).isGreaterThan(REQUESTS / 10);

            // the bug that started this, by name: a variable name longer than the engine's column is a JSON 400
            // saying so, on both routes that start processes, and not Jetty's HTML page
            String variables = "{\"" + "v".repeat(300) + "\": 1}";
            Map<String, String> tooLongName = Map.of(
                    "/api/das/commands",
                    "{\"text\": \"Write \\\"x\\\" to fuzz/long.txt\", \"variables\": " + variables + "}",
                    "/api/processes/fuzz-target/start",
                    variables);
            for (Map.Entry<String, String> request : tooLongName.entrySet()) {
                HttpResponse<String> refused = procos.post(request.getKey(), "application/json", request.getValue());
                assertThat(refused.statusCode())
                        .as(request.getKey() + ": " + refused.body())
                        .isEqualTo(400);
                assertThat(procos.json(refused).path("error").asText())
                        .contains("is 300 characters long, at most 255 are kept", "nothing was started");
            }

            // and ProcOS is alive, healthy and holds what it held before
            assertThat(ProcessHandle.of(procos.pid()).map(ProcessHandle::isAlive))
                    .as("the ProcOS JVM is alive")
                    .contains(true);
            HttpResponse<String> health = procos.api("/api/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            Distribution.assertHealthy(procos.json(health));
            assertThat(procos.json(procos.api("/api/processes")).findValuesAsText("key"))
                    .contains("fuzz-anchor", "fuzz-target");
            JsonNode anchor = procos.json(procos.api("/api/instances/" + anchorId));
            assertThat(anchor.path("state").asText()).isEqualTo("COMPLETED");
            assertThat(anchor.path("variables").path("ticket").asText()).isEqualTo("A-17");
            assertThat(Files.readString(procos.home.resolve("data/workspace/anchor/kept.txt")))
                    .isEqualTo("still here");
            JsonNode hits = procos.json(procos.api(
                    "/api/memory/search?k=5&kind=note&q=" + URLEncoder.encode(note, StandardCharsets.UTF_8)));
            assertThat(hits.findValuesAsText("text")).contains(note);
        }
    }

    // ---- the routes ----------------------------------------------------------------------------------------

    /** Every route the distribution serves, each method it accepts, with a valid body and its size limit. */
    static List<Route> routes(Distribution procos, String instanceId) throws Exception {
        List<Route> r = new ArrayList<>();
        int bpmn = 10 * 1024 * 1024, json = 1024 * 1024, das = 64 * 1024, memory = 256 * 1024, tool = 4 * 1024 * 1024;
        r.add(new Route("GET", "/api/health", null, null, 0, 3));
        r.add(new Route("GET", "/api/processes", null, null, 0, 3));
        r.add(new Route(
                "POST",
                "/api/processes?name=fuzz.bpmn",
                "application/xml",
                ProcessRestTest.process("fuzz-deployed", null, "Read the mark|Read fuzz/mark.txt"),
                bpmn,
                8));
        r.add(new Route(
                "POST",
                "/api/processes/validate",
                "application/xml",
                ProcessRestTest.process("fuzz-checked", null, "Read the mark|Read fuzz/mark.txt"),
                bpmn,
                3));
        r.add(new Route("GET", "/api/processes/fuzz-target/bpmn", null, null, 0, 2));
        r.add(new Route("GET", "/api/openapi.json", null, null, 0, 1));
        r.add(new Route("POST", "/api/processes/fuzz-deployed/start", "application/json", "{\"n\": 1}", json, 2));
        r.add(new Route(
                "POST",
                "/api/processes/fuzz-target/start",
                "application/json",
                "{\"month\": \"November\", \"amount\": 1500, \"approved\": true, \"order\": {\"lines\": [1, 2]}}",
                json,
                8));
        r.add(new Route("GET", "/api/instances?state=COMPLETED&max=5", null, null, 0, 3));
        r.add(new Route("GET", "/api/instances/" + instanceId, null, null, 0, 3));
        r.add(new Route("GET", "/api/tools", null, null, 0, 2));
        r.add(new Route("GET", "/api/tools/file.read", null, null, 0, 2));
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("file.write", "{\"path\": \"fuzz/out.txt\", \"content\": \"fuzzed\"}");
        inputs.put("file.read", "{\"path\": \"fuzz/mark.txt\"}");
        inputs.put("file.list", "{\"path\": \"fuzz\", \"recursive\": true}");
        inputs.put("memory.save", "{\"text\": \"a fuzzed note\", \"kind\": \"note\"}");
        inputs.put("memory.search", "{\"query\": \"pallets\", \"k\": 3}");
        inputs.put("matlab.run", "{\"script\": \"x = 1 + 1;\"}");
        inputs.put("docker.run", "{\"image\": \"busybox\", \"command\": [\"true\"]}");
        for (JsonNode t : procos.json(procos.api("/api/tools")).path("tools")) {
            String name = t.path("name").asText();
            r.add(new Route(
                    "POST",
                    "/api/tools/" + name + "/invoke?timeoutSeconds=20",
                    "application/json",
                    inputs.getOrDefault(name, "{}"),
                    tool,
                    2));
        }
        r.add(new Route(
                "POST",
                "/api/tde/decide",
                "application/json",
                "{\"task\": {\"name\": \"Write the report\", \"documentation\": \"Put \\\"done\\\" into fuzz/r.txt\"}, "
                        + "\"variables\": {\"month\": \"May\"}, \"toolPolicy\": \"default\"}",
                json,
                6));
        r.add(new Route(
                "POST",
                "/api/tde/corrections",
                "application/json",
                "{\"task\": {\"name\": \"Write the report\", \"documentation\": \"Put \\\"done\\\" into fuzz/r.txt\"}, "
                        + "\"tool\": \"file.write\", \"arguments\": {\"path\": \"fuzz/r.txt\", \"content\": \"done\"}}",
                json,
                3));
        r.add(new Route("GET", "/api/prompts", null, null, 0, 2));
        for (JsonNode p : procos.json(procos.api("/api/prompts")).path("prompts")) {
            String name = p.path("name").asText();
            r.add(new Route("GET", "/api/prompts/" + name, null, null, 0, 1));
            r.add(new Route(
                    "PUT",
                    "/api/prompts/" + name,
                    "application/json",
                    Distribution.JSON.writeValueAsString(
                            Map.of("text", p.path("text").asText())),
                    memory,
                    2));
            r.add(new Route("DELETE", "/api/prompts/" + name, null, null, 0, 1));
        }
        r.add(new Route(
                "POST",
                "/api/memory",
                "application/json",
                "{\"text\": \"The fuzzed supplier ships on Tuesdays\", \"kind\": \"note\", \"properties\": {\"source\": \"fuzz\"}}",
                memory,
                6));
        r.add(new Route("GET", "/api/memory/search?q=pallets&k=3&kind=note&process=fuzz-target", null, null, 0, 4));
        r.add(new Route("GET", "/api/memory/graph?instance=" + instanceId, null, null, 0, 2));
        r.add(new Route("GET", "/api/memory/tools?task=write+a+file&k=5", null, null, 0, 2));
        r.add(new Route("GET", "/api/memory/errors?tool=file.write&limit=5", null, null, 0, 2));
        r.add(new Route(
                "POST",
                "/api/das/commands",
                "application/json",
                "{\"text\": \"Write \\\"fuzz\\\" to fuzz/command.txt\", \"variables\": {\"amount\": 3, \"region\": \"EU\"}}",
                das,
                8));
        r.add(new Route(
                "POST",
                "/api/das/generate",
                "application/json",
                "{\"text\": \"Write \\\"a\\\" to fuzz/a.txt, then read fuzz/a.txt\"}",
                das,
                5));
        r.add(new Route("POST", "/api/das/ask", "text/plain", "Write \"asked\" to fuzz/ask.txt", das, 1));
        r.add(new Route("GET", "/api/das/suggestions?processKey=fuzz-target", null, null, 0, 2));
        // no route: a JSON 404 after the token check, like every other error
        r.add(new Route("GET", "/api/nothing-here", null, null, 0, 1));
        r.add(new Route("GET", "/api", null, null, 0, 1));
        // the web console (basic authentication, not the API token)
        r.add(new Route("GET", "/system/console/bundles", null, null, 0, 1));
        return r;
    }

    // ---- the probes ----------------------------------------------------------------------------------------

    static Probe probe(Random random, List<Route> routes, String token) {
        Route route = weighted(random, routes);
        String auth = route.path().startsWith("/api") ? "Bearer " + token : null;
        int dice = random.nextInt(100);
        if (dice < 12) return valid(route, auth);
        if (dice < 22) return wrongAuthorization(random, route, token);
        if (dice < 32) return wrongMethod(random, route, routes, auth);
        if (dice < 42) return mutatedPath(random, route, auth);
        if (dice < 52) return mutatedQuery(random, route, auth);
        if (route.body() == null) return mutatedQuery(random, route, auth);
        if (dice < 54) return oversized(random, route, auth);
        if (dice < 60) return wrongContentType(random, route, auth);
        return mutatedBody(random, route, auth);
    }

    static Route weighted(Random random, List<Route> routes) {
        int total = routes.stream().mapToInt(Route::weight).sum();
        int pick = random.nextInt(total);
        for (Route r : routes) {
            pick -= r.weight();
            if (pick < 0) return r;
        }
        return routes.get(routes.size() - 1);
    }

    static Probe valid(Route r, String auth) {
        return new Probe(r.method(), r.path(), r.contentType(), bytes(r.body()), auth, "valid", false, false);
    }

    static Probe wrongAuthorization(Random random, Route r, String token) {
        String basic = Base64.getEncoder().encodeToString("procos:wrong".getBytes(StandardCharsets.UTF_8));
        List<String> wrong = new ArrayList<>();
        wrong.add(null);
        wrong.add("");
        wrong.add("Bearer");
        wrong.add("Bearer ");
        wrong.add("Bearer " + token + "x");
        wrong.add("Bearer " + token.substring(1));
        wrong.add("bearer" + token);
        wrong.add(token);
        wrong.add("Basic " + basic);
        wrong.add("Bearer " + "A".repeat(4000));
        wrong.add("Bearer " + randomText(random, 40, false));
        wrong.add("Digest username=\"procos\", realm=\"procos\", nonce=\"x\"");
        String header = wrong.get(random.nextInt(wrong.size()));
        // the console is guarded by basic authentication, not by the token: a wrong password there is a 401 too
        if (!r.path().startsWith("/api") && header != null && !header.startsWith("Basic")) header = "Basic " + basic;
        return new Probe(
                r.method(), r.path(), r.contentType(), bytes(r.body()), header, "wrong authorization", false, true);
    }

    static Probe wrongMethod(Random random, Route r, List<Route> routes, String auth) {
        String path = r.path().split("\\?", 2)[0];
        Set<String> accepted = routes.stream()
                .filter(o -> o.path().split("\\?", 2)[0].equals(path))
                .map(Route::method)
                .collect(Collectors.toSet());
        if (accepted.contains("GET")) accepted.add("HEAD");
        List<String> others =
                METHODS.stream().filter(m -> !accepted.contains(m)).toList();
        String method = others.get(random.nextInt(others.size()));
        byte[] body =
                method.equals("TRACE") || method.equals("HEAD") ? null : bytes(r.body() == null ? "{}" : r.body());
        return new Probe(method, r.path(), "application/json", body, auth, "wrong method", false, false);
    }

    static Probe mutatedPath(Random random, Route r, String auth) {
        String[] pathAndQuery = r.path().split("\\?", 2);
        String path = pathAndQuery[0];
        List<String> variants = List.of(
                path + "/../../health",
                path + "/..",
                path + "/%2e%2e/tools",
                path + "/%00",
                path + "%00.json",
                path + "/%2F%2Fetc%2Fpasswd",
                path + "//",
                path + "/" + "x".repeat(300),
                path + "/" + "x".repeat(7000),
                path + "/%F0%9F%92%A5%E2%80%AE",
                path + "/%C0%AE%C0%AE/",
                path + "/%zz",
                path + "/;jsessionid=1",
                path + "/a b",
                path.replaceFirst("/api/", "/API/"),
                path.replaceFirst("/api/", "/api//"),
                path + "/.%2e/.%2e/conf/api-token",
                path + "/%u002e%u002e",
                path + "/\u00e9t\u00e9");
        String target = variants.get(random.nextInt(variants.size()))
                + (pathAndQuery.length > 1 && random.nextBoolean() ? "?" + pathAndQuery[1] : "");
        return new Probe(r.method(), target, r.contentType(), bytes(r.body()), auth, "mutated path", true, false);
    }

    static Probe mutatedQuery(Random random, Route r, String auth) {
        String[] pathAndQuery = r.path().split("\\?", 2);
        List<String> params = new ArrayList<>(
                pathAndQuery.length > 1 ? List.of(pathAndQuery[1].split("&")) : List.of("q=x", "state=FAILED"));
        int i = random.nextInt(params.size());
        String name = params.get(i).split("=", 2)[0];
        List<String> garbage = List.of(
                "%zz",
                "%",
                "%00",
                "%E2%82",
                "-1",
                "0",
                "99999999999999999999",
                "1e9",
                "NaN",
                "",
                "true",
                "x".repeat(5000),
                URLEncoder.encode(randomText(random, 30, true), StandardCharsets.UTF_8),
                "%F0%9F%92%A5",
                "a%26b%3Dc",
                "[]",
                "{\"$ne\":1}");
        String value = garbage.get(random.nextInt(garbage.size()));
        switch (random.nextInt(4)) {
            case 0 -> params.set(i, name + "=" + value);
            case 1 -> params.add(name + "=" + value); // the same parameter twice
            case 2 -> params.add(value + "=" + value);
            default -> params.remove(i);
        }
        String target = pathAndQuery[0] + (params.isEmpty() ? "" : "?" + String.join("&", params));
        return new Probe(r.method(), target, r.contentType(), bytes(r.body()), auth, "mutated query", true, false);
    }

    static Probe oversized(Random random, Route r, String auth) {
        int size = r.maxBytes() + 1 + random.nextInt(4096);
        byte[] body = new byte[size];
        java.util.Arrays.fill(body, (byte) 'a');
        byte[] head = "{\"text\": \"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, body, 0, head.length);
        return new Probe(r.method(), r.path(), r.contentType(), body, auth, "oversized body", false, false);
    }

    static Probe wrongContentType(Random random, Route r, String auth) {
        List<String> types = List.of(
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data",
                "application/json; charset=ISO-8859-1",
                "application/xml",
                "%%%",
                "");
        String type = types.get(random.nextInt(types.size()));
        byte[] body = type.startsWith("application/x-www-form") ? bytes("text=a&variables=%zz&x") : bytes(r.body());
        return new Probe(r.method(), r.path(), type, body, auth, "wrong content type", false, false);
    }

    static Probe mutatedBody(Random random, Route r, String auth) {
        String body = r.body();
        String mutation;
        byte[] out;
        boolean xml = r.contentType().contains("xml");
        boolean json = r.contentType().contains("json");
        int kind = random.nextInt(10);
        if (json && kind < 5) {
            JsonNode tree;
            try {
                tree = Distribution.JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            switch (kind) {
                case 0 -> mutation = removeField(random, tree);
                case 1 -> mutation = wrongType(random, tree);
                case 2 -> mutation = hugeString(random, tree);
                case 3 -> mutation = longName(random, tree);
                default -> mutation = unicode(random, tree);
            }
            out = bytes(tree.toString());
        } else if (xml && kind < 5) {
            mutation = "mutated BPMN";
            out = bytes(mutatedBpmn(random, body));
        } else if (kind == 5 || kind == 6) {
            mutation = "deep nesting";
            int depth = List.of(64, 999, 1001, 5000, 100_000).get(random.nextInt(5));
            String nested = "[".repeat(depth) + "]".repeat(depth);
            out = bytes(
                    json && body.startsWith("{")
                            ? "{\"text\": \"x\", \"variables\": {\"v\": " + nested + "}}"
                            : nested);
        } else if (kind == 7) {
            mutation = "invalid JSON";
            List<String> broken = List.of(
                    body.substring(0, random.nextInt(body.length())),
                    body.replaceFirst(":", ""),
                    body.replace('"', '\''),
                    body + ",",
                    "{\"a\": 1,}",
                    "{\"a\": " + "9".repeat(2000) + "}",
                    "{\"a\": \"\\ud800\"}",
                    "{\"a\": \"\\u0000\"}",
                    "null",
                    "[]",
                    "\"text\"",
                    "{\"text\": \"a\", \"text\": 5}");
            out = bytes(broken.get(random.nextInt(broken.size())));
        } else if (kind == 8) {
            mutation = "random bytes";
            out = new byte[random.nextInt(2048)];
            random.nextBytes(out);
        } else {
            mutation = "empty body";
            out = new byte[0];
        }
        return new Probe(r.method(), r.path(), r.contentType(), out, auth, mutation, false, false);
    }

    static String removeField(Random random, JsonNode tree) {
        ObjectNode o = randomObject(random, tree);
        if (o == null || o.isEmpty()) return "field removed";
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        o.remove(names.get(random.nextInt(names.size())));
        return "field removed";
    }

    static String wrongType(Random random, JsonNode tree) {
        ObjectNode o = randomObject(random, tree);
        if (o == null || o.isEmpty()) return "wrong type";
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        String name = names.get(random.nextInt(names.size()));
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<JsonNode> values = List.of(
                f.numberNode(42),
                f.numberNode(-1),
                f.numberNode(1e308),
                f.numberNode(new java.math.BigInteger("123456789012345678901234567890")),
                f.numberNode(new java.math.BigDecimal("0.1000000000000000000000000000001")),
                f.booleanNode(true),
                f.nullNode(),
                f.arrayNode(),
                f.objectNode(),
                f.textNode("text"),
                f.arrayNode().add(1).add("a").addNull());
        o.set(name, values.get(random.nextInt(values.size())));
        return "wrong type";
    }

    static String hugeString(Random random, JsonNode tree) {
        ObjectNode o = randomObject(random, tree);
        if (o == null || o.isEmpty()) return "huge string";
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        int length = List.of(256, 300, 4001, 20_001, 70_000).get(random.nextInt(5));
        o.put(names.get(random.nextInt(names.size())), "x".repeat(length));
        return "huge string";
    }

    /** A field, or a variable where the body has variables, whose name is longer than a database column. */
    static String longName(Random random, JsonNode tree) {
        ObjectNode o =
                tree.path("variables").isObject() ? (ObjectNode) tree.path("variables") : randomObject(random, tree);
        if (o == null) return "long name";
        int length = List.of(255, 256, 300, 5000).get(random.nextInt(4));
        o.put("v".repeat(length), random.nextBoolean() ? "value" : "x".repeat(5000));
        return "long name";
    }

    static String unicode(Random random, JsonNode tree) {
        ObjectNode o = randomObject(random, tree);
        if (o == null || o.isEmpty()) return "unicode";
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        String name = names.get(random.nextInt(names.size()));
        o.put(random.nextBoolean() ? name : randomText(random, 12, true), randomText(random, 60, true));
        return "unicode";
    }

    /** An object somewhere in the tree: the root or one below it. */
    static ObjectNode randomObject(Random random, JsonNode tree) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(tree, objects);
        return objects.isEmpty() ? null : objects.get(random.nextInt(objects.size()));
    }

    static void collect(JsonNode node, List<ObjectNode> objects) {
        if (node instanceof ObjectNode o) objects.add(o);
        if (node instanceof ObjectNode || node instanceof ArrayNode) {
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) collect(it.next(), objects);
        }
    }

    static String mutatedBpmn(Random random, String bpmn) {
        String key = "fuzz-" + Integer.toHexString(random.nextInt());
        String body = bpmn.replace("fuzz-deployed", key);
        return switch (random.nextInt(9)) {
            case 0 -> body.replace("id=\"" + key + "\"", "id=\"" + "k".repeat(300) + "\"");
                // a new version of the process the fuzz starts: a name the engine's history could not hold
            case 1 -> bpmn.replace("name='Read the mark'", "name='" + "n".repeat(300) + "'");
            case 2 -> body.replace("<documentation>", "<documentation>" + randomText(random, 200, true));
            case 3 -> body.replace(
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>")
                    .replace("<documentation>", "<documentation>&x;");
            case 4 -> "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                    + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><l>&d;</l>";
            case 5 -> {
                int depth = List.of(100, 3000, 100_000).get(random.nextInt(3));
                StringBuilder nested = new StringBuilder();
                for (int i = 0; i < depth; i++)
                    nested.append("<subProcess id='s").append(i).append("'>");
                for (int i = 0; i < depth; i++) nested.append("</subProcess>");
                yield body.replace("<startEvent id=\"start\"/>", "<startEvent id=\"start\"/>" + nested);
            }
            case 6 -> body.replace("targetRef='task0'", "targetRef='nowhere'");
            case 7 -> body.substring(0, random.nextInt(body.length()));
            default -> body.replace(
                    "camunda:topic='procos.task'", "camunda:topic='" + randomText(random, 10, true) + "'");
        };
    }

    /** Text from a mix of scripts, emoji, control characters, right-to-left marks and lone surrogates. */
    static String randomText(Random random, int length, boolean unicode) {
        String plain = "abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789 -_.,;:!?'\"/\\<>{}[]()&%$#@*+=~`|";
        String[] exotic = {
            "\u00e9",
            "\u00df",
            "\u4e2d\u6587",
            "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
            "\ud83d\udca5",
            "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67",
            "\u202e",
            "\u200b",
            "\ufeff",
            "\u0000",
            "\u0007",
            "\n",
            "\t",
            "\ud800",
            "\udfff",
            "\u0301",
            "\uffff",
            "${x}",
            "#{x}",
            "' OR 1=1 --",
            "</documentation>"
        };
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            if (unicode && random.nextInt(3) == 0) sb.append(exotic[random.nextInt(exotic.length)]);
            else sb.append(plain.charAt(random.nextInt(plain.length())));
        }
        return sb.toString();
    }

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- sending and judging -------------------------------------------------------------------------------

    static Answer send(Distribution procos, Probe p) {
        long start = System.nanoTime();
        int status;
        String type;
        String body;
        try {
            if (p.raw() || !headerFitsTheClient(p.authorization())) {
                String[] raw = raw(procos.port, p);
                status = Integer.parseInt(raw[0]);
                type = raw[1];
                body = raw[2];
            } else {
                HttpRequest.Builder b = HttpRequest.newBuilder(procos.uri(p.target()))
                        .timeout(REQUEST_TIMEOUT)
                        .method(
                                p.method(),
                                p.body() == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(p.body()));
                if (p.contentType() != null && !p.contentType().isEmpty()) b.header("Content-Type", p.contentType());
                if (p.authorization() != null) b.header("Authorization", p.authorization());
                HttpResponse<String> r = procos.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                type = r.headers().firstValue("Content-Type").orElse("");
                body = r.body();
            }
        } catch (Exception e) {
            return new Answer(p, -1, "", "", "no answer: " + e, (System.nanoTime() - start) / 1_000_000);
        }
        return new Answer(p, status, type, body, judge(p, status, type, body), (System.nanoTime() - start) / 1_000_000);
    }

    /** What is wrong with the answer, or null. */
    static String judge(Probe p, int status, String type, String body) {
        if (status >= 500) return "a server error";
        if (p.expectUnauthorized() && status != 401 && !jettyBadMessage(p, status, type, body))
            return "not 401 for a wrong Authorization header";
        String path = resolved(p.target());
        boolean api = path.equals("/api") || path.startsWith("/api/");
        if (status < 400 || !api || p.method().equals("HEAD")) return null;
        if (jettyBadMessage(p, status, type, body)) return null; // refused by Jetty's URI parser: no ProcOS code runs
        if (!type.startsWith("application/json")) return "an error that is not JSON (" + type + ")";
        try {
            JsonNode error = Distribution.JSON.readTree(body);
            if (error.path("error").asText().isBlank()) return "a JSON error without an error message";
        } catch (IOException e) {
            return "an error whose body is not JSON";
        }
        return null;
    }

    /** The path the server serves after resolving "." and ".." segments (as Jetty does), without the query. */
    static String resolved(String target) {
        java.util.Deque<String> segments = new java.util.ArrayDeque<>();
        for (String segment : target.split("\\?", 2)[0].split("/")) {
            if (segment.equals("..")) segments.pollLast();
            else if (!segment.equals(".") && !segment.isEmpty()) segments.addLast(segment);
        }
        return "/" + String.join("/", segments);
    }

    /**
     * Jetty's own answer to a request line it refuses (an ambiguous, empty or NUL path segment, a bad escape):
     * it comes from the HTTP layer, before any servlet, filter or error page, for a request Jetty has replaced
     * by {@code /badURI} or {@code /badMessage}; no ProcOS code runs for it.
     */
    static boolean jettyBadMessage(int status, String body) {
        return status == 400
                && (body.contains("<tr><th>URI:</th><td>/badURI</td></tr>")
                        || body.contains("<tr><th>URI:</th><td>/badMessage</td></tr>"));
    }

    /**
     * The same refusal for a method other than GET, POST and HEAD, for which Jetty writes no error page: a 400
     * with no body and no type, which ProcOS never sends (its every error under /api has a JSON body).
     */
    static boolean jettyBadMessage(Probe p, int status, String type, String body) {
        if (jettyBadMessage(status, body)) return true;
        boolean pageless = !List.of("GET", "POST", "HEAD").contains(p.method());
        return pageless && p.raw() && status == 400 && body.isEmpty() && type.isEmpty();
    }

    static boolean jettyBadMessage(Answer a) {
        return jettyBadMessage(a.probe(), a.status(), a.contentType(), a.body());
    }

    /** Headers the JDK client refuses to send (control characters, non-ASCII) go over a raw socket. */
    static boolean headerFitsTheClient(String value) {
        return value == null || value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    /** Sends the request exactly as given, malformed target included, over HTTP/1.1; status, type, body. */
    static String[] raw(int port, Probe p) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            StringBuilder head = new StringBuilder();
            head.append(p.method()).append(' ').append(p.target()).append(" HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1:").append(port).append("\r\n");
            head.append("Connection: close\r\n");
            if (p.contentType() != null && !p.contentType().isEmpty())
                head.append("Content-Type: ").append(p.contentType()).append("\r\n");
            if (p.authorization() != null)
                head.append("Authorization: ").append(p.authorization()).append("\r\n");
            if (p.body() != null)
                head.append("Content-Length: ").append(p.body().length).append("\r\n");
            head.append("\r\n");
            request.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (p.body() != null) request.write(p.body());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.toByteArray());
                out.flush();
            } catch (IOException refusedEarly) {
                // the server may answer and close before it read everything: read what it said
            }
            byte[] response = readAll(socket.getInputStream());
            String text = new String(response, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || end < 0) throw new IOException("no HTTP answer: " + excerpt(text));
            String headers = text.substring(0, end);
            byte[] rest = java.util.Arrays.copyOfRange(response, end + 4, response.length);
            String type = "";
            boolean chunked = false;
            for (String line : headers.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-type:")) type = line.substring(13).trim();
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
            }
            String body = new String(chunked ? dechunk(rest) : rest, StandardCharsets.UTF_8);
            return new String[] {headers.substring(9, 12), type, body};
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) out.write(buffer, 0, n);
        return out.toByteArray();
    }

    static byte[] dechunk(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < data.length) {
            int lineEnd = i;
            while (lineEnd + 1 < data.length && !(data[lineEnd] == '\r' && data[lineEnd + 1] == '\n')) lineEnd++;
            String sizeLine = new String(data, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size;
            try {
                size = Integer.parseInt(sizeLine, 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0) break;
            int start = lineEnd + 2;
            out.write(data, start, Math.min(size, data.length - start));
            i = start + size + 2;
        }
        return out.toByteArray();
    }

    static String describe(Answer a) {
        Probe p = a.probe();
        String sent = p.body() == null ? "" : new String(p.body(), StandardCharsets.UTF_8);
        return String.format(
                "%s: %s %s [%s%s] -> %d %s | sent %d bytes: %s",
                a.failure(),
                p.method(),
                excerpt(p.target()),
                p.mutation(),
                p.contentType() == null ? "" : ", " + p.contentType(),
                a.status(),
                excerpt(a.body()),
                p.body() == null ? 0 : p.body().length,
                excerpt(sent));
    }

    static String excerpt(String s) {
        String flat = s.replaceAll("\\s+", " ").replaceAll("[\\p{Cntrl}&&[^ ]]", "?");
        return flat.length() <= 160 ? flat : flat.substring(0, 120) + "… (" + flat.length() + " chars)";
    }
}
