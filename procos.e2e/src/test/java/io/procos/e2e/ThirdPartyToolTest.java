package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A tool written by someone outside ProcOS: the template copied out of the repository, made into a bundle of its
 * own (its own group and version, no reactor parent), built with Maven, dropped into {@code tools/} and chosen by
 * the offline planner for a task that says in words what it needs, its arguments read from those words.
 */
class ThirdPartyToolTest {

    static final Path REPOSITORY = Path.of(System.getProperty("procos.dist", "../dist"))
            .toAbsolutePath()
            .normalize()
            .getParent();

    static final String TOOL =
            """
            package com.acme.finance;

            import io.procos.api.tool.Tool;
            import io.procos.api.tool.ToolContext;
            import io.procos.api.tool.ToolResult;
            import java.math.BigDecimal;
            import java.math.RoundingMode;
            import java.util.Map;
            import org.osgi.service.component.annotations.Component;

            /** The monthly payment of an annuity loan. */
            @Component(service = Tool.class)
            public final class LoanPaymentTool implements Tool {

                @Override
                public String name() {
                    return "finance.loan_payment";
                }

                @Override
                public String description() {
                    return "Monthly payment of an annuity loan. Use it to work out what a loan costs each month.";
                }

                @Override
                public String inputSchema() {
                    return \"""
                        {"type":"object","required":["principal","annual_rate_percent","months"],"additionalProperties":false,
                         "properties":{"principal":{"type":"number","description":"amount borrowed"},
                          "annual_rate_percent":{"type":"number","description":"annual interest rate in percent"},
                          "months":{"type":"integer","description":"term in months","minimum":1}}}\""";
                }

                @Override
                public String outputSchema() {
                    return "{\\"type\\":\\"object\\",\\"properties\\":{\\"payment\\":{\\"type\\":\\"number\\"}}}";
                }

                @Override
                public ToolResult invoke(Map<String, Object> input, ToolContext context) {
                    if (!(input.get("principal") instanceof Number principal) || principal.doubleValue() <= 0)
                        return ToolResult.error("'principal' is required: the amount borrowed, a number above 0");
                    if (!(input.get("annual_rate_percent") instanceof Number rate) || rate.doubleValue() < 0)
                        return ToolResult.error("'annual_rate_percent' is required: the annual rate in percent, 0 or more");
                    if (!(input.get("months") instanceof Number months)
                            || months.doubleValue() != Math.rint(months.doubleValue())
                            || months.intValue() < 1)
                        return ToolResult.error("'months' is required: the term in whole months, 1 or more");
                    double p = principal.doubleValue();
                    double r = rate.doubleValue() / 100 / 12;
                    int n = months.intValue();
                    double payment = r == 0 ? p / n : p * r / (1 - Math.pow(1 + r, -n));
                    BigDecimal cents = BigDecimal.valueOf(payment).setScale(2, RoundingMode.HALF_UP);
                    return ToolResult.ok(
                            Map.of("payment", cents.doubleValue()), "the monthly payment is " + cents.toPlainString());
                }
            }
            """;

    /** The template copied to {@code dir}, rewritten into the stand-alone bundle {@code acme.finance}. */
    static void writeProject(Path dir) throws IOException {
        Path template = REPOSITORY.resolve("procos.tools.template");
        for (String part : List.of("pom.xml", "bnd.bnd", "src")) copyTree(template.resolve(part), dir.resolve(part));

        String root = Files.readString(REPOSITORY.resolve("pom.xml"));
        String procosVersion = group(root, "<artifactId>procos</artifactId>\\s*<version>([^<]+)</version>");
        String bnd = group(root, "<bnd.version>([^<]+)</bnd.version>");
        String annotations = managedVersion(root, "org.osgi.service.component.annotations");

        String pom = Files.readString(dir.resolve("pom.xml"));
        pom = replaceOnce(
                pom,
                "<parent>.*?</parent>",
                """
                <groupId>com.acme</groupId>
                  <version>1.0.0</version>
                  <packaging>jar</packaging>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>""");
        pom = replaceOnce(
                pom, "<artifactId>procos\\.tools\\.template</artifactId>", "<artifactId>acme.finance</artifactId>");
        pom = replaceOnce(pom, "<name>[^<]*</name>", "<name>ACME finance tools (finance.loan_payment)</name>");
        pom = replaceOnce(
                pom,
                "(<artifactId>procos\\.api</artifactId>)<version>\\$\\{project\\.version\\}</version>",
                "$1<version>" + procosVersion + "</version>");
        pom = replaceOnce(
                pom,
                "(<artifactId>org\\.osgi\\.service\\.component\\.annotations</artifactId>)",
                // the annotations are read at build time only: none of what they depend on (the reactor pins those
                // versions, a pom of one's own would get old ones) is needed, beside the versioning annotations
                // procos.api's packages carry
                "$1<version>" + annotations + "</version><scope>provided</scope>"
                        + "<exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>"
                        + "</dependency>\n    <dependency><groupId>org.osgi</groupId><artifactId>osgi.annotation</artifactId>"
                        + "<version>" + managedVersion(root, "osgi.annotation") + "</version><scope>provided</scope>");
        StringBuilder plugins = new StringBuilder();
        for (String plugin : List.of(
                "maven-clean-plugin",
                "maven-resources-plugin",
                "maven-compiler-plugin",
                "maven-surefire-plugin",
                "maven-install-plugin")) {
            plugins.append("      <plugin><artifactId>%s</artifactId><version>%s</version></plugin>%n"
                    .formatted(plugin, managedVersion(root, plugin)));
        }
        String build =
                """
                  <build>
                    <plugins>
                %s      <plugin>
                        <groupId>biz.aQute.bnd</groupId>
                        <artifactId>bnd-maven-plugin</artifactId>
                        <version>%s</version>
                        <executions><execution><id>bnd-process</id><goals><goal>bnd-process</goal></goals></execution></executions>
                      </plugin>
                      <plugin>
                        <artifactId>maven-jar-plugin</artifactId>
                        <version>%s</version>
                        <configuration>
                          <archive><manifestFile>${project.build.outputDirectory}/META-INF/MANIFEST.MF</manifestFile></archive>
                        </configuration>
                      </plugin>
                    </plugins>
                  </build>
                </project>"""
                        .formatted(plugins, bnd, managedVersion(root, "maven-jar-plugin"));
        pom = replaceOnce(pom, "</project>", build);
        Files.writeString(dir.resolve("pom.xml"), pom);

        Files.writeString(
                dir.resolve("bnd.bnd"),
                replaceOnce(
                        Files.readString(dir.resolve("bnd.bnd")),
                        "-include: [^\n]*",
                        """
                        Bundle-SymbolicName: acme.finance
                        Bundle-Vendor: ACME
                        -reproducible: true
                        -noextraheaders: true
                        -dsannotations: *"""));

        try (Stream<Path> old = Files.walk(dir.resolve("src"))) {
            old.sorted(Comparator.reverseOrder()).filter(Files::isRegularFile).forEach(ThirdPartyToolTest::delete);
        }
        Path source = dir.resolve("src/main/java/com/acme/finance/LoanPaymentTool.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, TOOL);
    }

    /** {@code mvn -B -q -o package} in {@code dir}: the jar, or a failure with the build's output. */
    static Path build(Path dir) throws Exception {
        Path log = dir.resolve("build.log");
        Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-o", "package")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        mvn.getOutputStream().close();
        boolean ended = mvn.waitFor(5, TimeUnit.MINUTES);
        if (!ended) mvn.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("mvn package ends within 5 minutes:\n" + output).isTrue();
        assertThat(mvn.exitValue())
                .as("mvn -B -q -o package of acme.finance:\n" + output + "\npom.xml:\n"
                        + Files.readString(dir.resolve("pom.xml")))
                .isZero();
        Path jar = dir.resolve("target/acme.finance-1.0.0.jar");
        assertThat(jar).as(output).exists();
        return jar;
    }

    @Test
    void aToolBundleBuiltOutsideTheRepositoryIsChosenFromWordsAndFilledFromThem() throws Exception {
        Path project = Files.createTempDirectory("acme-finance");
        assertThat(project.toAbsolutePath().startsWith(REPOSITORY)).isFalse();
        try (Distribution procos = Distribution.fresh("third-party-tool")) {
            // given the acme.finance bundle, built on its own from the template
            writeProject(project);
            assertThat(Files.readString(project.resolve("pom.xml"))).doesNotContain("<parent>");
            Path jar = build(project);

            // and a running ProcOS
            procos.start();
            procos.awaitHealthy();
            int embeddedBefore = embedded(planner(procos));

            // when the jar is dropped into tools/
            Path staged = procos.home.resolve("tools/acme-finance.jar.part");
            Files.copy(jar, staged);
            Files.move(staged, procos.home.resolve("tools/acme-finance.jar"), StandardCopyOption.ATOMIC_MOVE);

            // then it is listed, and once the planner has embedded its description it is chosen
            long end = System.nanoTime() + 30_000_000_000L;
            while (!toolNames(procos).contains("finance.loan_payment") && System.nanoTime() < end) Thread.sleep(50);
            assertThat(toolNames(procos)).contains("finance.loan_payment");
            JsonNode tool = procos.json(procos.api("/api/tools/finance.loan_payment"));
            assertThat(tool.path("bundle").asText()).isEqualTo("acme.finance");
            JsonNode planner = procos.awaitHealth(
                    h -> !planner(h).contains("still being embedded")
                            && (embeddedBefore < 0 || embedded(planner(h)) > embeddedBefore),
                    Duration.ofSeconds(60));
            System.out.println("planner: " + planner(planner));

            String words = "Work out the monthly payment for a loan of 20000 over 48 months at 6 percent";
            procos.post("/api/processes", "application/xml", ProcessRestTest.process("loan", null, words + "|"));
            String id = procos.json(procos.post("/api/processes/loan/start", "application/json", "{}"))
                    .path("id")
                    .asText();
            JsonNode done = procos.awaitInstanceEnd(id, Duration.ofSeconds(60));
            JsonNode task = done.path("tasks").path(0);
            System.out.printf(
                    "\"%s\" -> tool %s, arguments %s, rationale: %s, result: %s%n",
                    words,
                    task.path("tool"),
                    task.path("arguments"),
                    task.path("rationale").asText(),
                    task.path("result"));
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
            assertThat(task.path("tool").asText()).as(task.toString()).isEqualTo("finance.loan_payment");
            JsonNode arguments = task.path("arguments");
            assertThat(arguments.path("principal").asDouble())
                    .as(arguments.toString())
                    .isEqualTo(20000);
            assertThat(arguments.path("annual_rate_percent").asDouble())
                    .as(arguments.toString())
                    .isEqualTo(6);
            assertThat(arguments.path("months").asInt())
                    .as(arguments.toString())
                    .isEqualTo(48);
            JsonNode result = task.path("result").isTextual()
                    ? Distribution.JSON.readTree(task.path("result").asText())
                    : task.path("result");
            if (result.path("payment").isMissingNode())
                result = Distribution.JSON.readTree(
                        done.path("variables").path("task0_result").asText());
            assertThat(result.path("payment").asDouble()).as(task.toString()).isCloseTo(469.70, within(0.01));

            // and a task no tool does gets none, the new tool included
            JsonNode none = procos.json(procos.post(
                    "/api/tde/decide",
                    "application/json",
                    "{\"task\": {\"name\": \"Buy two boxes of printer paper\", \"documentation\": \"\"}}"));
            System.out.println("\"Buy two boxes of printer paper\" -> " + none);
            assertThat(none.path("tool").isNull()).as(none.toString()).isTrue();
        } finally {
            try (Stream<Path> paths = Files.walk(project)) {
                paths.sorted(Comparator.reverseOrder()).forEach(ThirdPartyToolTest::delete);
            }
        }
    }

    private static List<String> toolNames(Distribution procos) throws Exception {
        return procos.json(procos.api("/api/tools")).path("tools").findValuesAsText("name");
    }

    /** The planner's health entry as text. */
    static String planner(JsonNode health) {
        for (JsonNode c : health.path("checks"))
            if ("planner".equals(c.path("name").asText())) return c.toString();
        return "";
    }

    static String planner(Distribution procos) throws Exception {
        return planner(procos.health());
    }

    /** How many tool descriptions the planner says it has embedded; -1 when it does not say. */
    static int embedded(String planner) {
        Matcher m = Pattern.compile("(\\d+) tool descriptions embedded").matcher(planner);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String managedVersion(String pom, String artifactId) {
        return group(pom, "<artifactId>" + Pattern.quote(artifactId) + "</artifactId>\\s*<version>([^<]+)</version>");
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("the root pom.xml has " + regex).isTrue();
        return m.group(1);
    }

    private static String replaceOnce(String text, String regex, String replacement) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
        assertThat(m.find()).as("the template has " + regex + ":\n" + text).isTrue();
        String literal = m.groupCount() >= 1 ? replacement.replace("$1", m.group(1)) : replacement;
        return text.substring(0, m.start()) + literal + text.substring(m.end());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
