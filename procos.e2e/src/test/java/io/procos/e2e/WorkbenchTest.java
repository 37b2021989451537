package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The workbench as a person uses it, in real headless Chromium (Debian's, through its chromedriver) against a
 * started distribution: ask in words and watch the instance run, edit and redeploy a process in the modeler, see
 * a refused diagram's problem on its element, see a dropped tool bundle appear. Every request the page made is
 * checked to go to ProcOS itself, and the browser's console to hold no error. Screenshots are kept in {@code
 * target/e2e-artifacts/workbench/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkbenchTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target/e2e-artifacts/workbench");

    private Distribution procos;
    private ChromeDriver browser;
    private WebDriverWait wait;
    private final List<String> requests = new ArrayList<>();
    private final List<String> consoleErrors = new ArrayList<>();
    /** Console errors the tests cause on purpose: the 400 of deploying a refused diagram. */
    private final List<String> expectedErrors = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium and chromedriver are not installed (Debian chromium, chromium-driver; ./procos test "
                        + "installs them): the workbench's browser tests cannot run");
        Files.createDirectories(SHOTS);
        procos = Distribution.fresh("workbench");
        procos.start();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox", // as root
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1280,800",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-sync");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL", LogType.PERFORMANCE, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(procos.uri("/").toString());
        WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        shot("sign-in");
        token.sendKeys(procos.token());
        token.submit();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("signin")));
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (browser != null) browser.quit();
        } finally {
            if (procos != null) procos.close();
        }
    }

    @Test
    @Order(1)
    void askedInWordsTheProcessIsDrawnRunsLiveAndEachTaskShowsItsDecision() throws Exception {
        browser.get(procos.uri("/#/ask").toString());
        WebElement text = wait.until(ExpectedConditions.elementToBeClickable(By.id("ask-text")));
        text.sendKeys("Write \"hello from the workbench\" to notes/wb.txt, then read notes/wb.txt");
        browser.findElement(By.id("ask-run")).click();

        // the generated process is drawn: an SVG shape for every task it has
        WebElement open = wait.until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("#ask-result a[href^='#/instance/']")));
        String id = open.getAttribute("href").replaceAll(".*#/instance/", "");
        JsonNode instance = procos.json(procos.api("/api/instances/" + id));
        String bpmn = procos.api("/api/processes/" + instance.path("processKey").asText() + "/bpmn")
                .body();
        List<String> tasks = serviceTaskIds(bpmn);
        assertThat(tasks).hasSize(2);
        for (String task : tasks) {
            wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#instance-diagram g.djs-element[data-element-id='" + task + "'] rect")));
        }

        // and each turns to done as the instance runs, pushed by ProcOS (the page does not poll)
        for (String task : tasks) {
            wait.until(ExpectedConditions.attributeToBe(
                    By.cssSelector("#instance-diagram g.djs-element[data-element-id='" + task + "']"),
                    "data-state",
                    "done"));
        }
        wait.until(ExpectedConditions.textToBe(By.id("instance-state"), "COMPLETED"));
        assertThat(Files.readString(procos.home.resolve("data/workspace/notes/wb.txt")))
                .isEqualTo("hello from the workbench");

        // a click on a task shows its decision
        browser.findElement(By.cssSelector(
                        "#instance-diagram g.djs-element[data-element-id='" + tasks.get(0) + "'] .djs-hit"))
                .click();
        wait.until(ExpectedConditions.textToBe(By.id("decision-tool"), "file.write"));
        assertThat(browser.findElement(By.id("decision-arguments")).getText())
                .contains("notes/wb.txt")
                .contains("hello from the workbench");
        assertThat(browser.findElement(By.id("task-details")).getText()).contains("Rationale");
        shot("ask-completed");

        // the same instance is in the list, which a phone-sized screen shows without sideways scrolling
        browser.get(procos.uri("/#/instances").toString());
        wait.until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("#instance-list tr[data-id='" + id + "']")));
        browser.manage().window().setSize(new Dimension(390, 844));
        Thread.sleep(300);
        assertThat((Long) js("return document.documentElement.scrollWidth - window.innerWidth"))
                .as("no sideways scrolling at 390 px")
                .isLessThanOrEqualTo(1L);
        shot("instances-phone");
        browser.manage().window().setSize(new Dimension(1280, 800));
    }

    @Test
    @Order(2)
    void aDeployedProcessIsRenamedInTheModelerDeployedAsANewVersionAndRuns() throws Exception {
        assertThat(procos.post(
                                "/api/processes?name=wb-edit.bpmn",
                                "application/xml",
                                process("wb-edit", "Write \"first\" to notes/edit.txt"))
                        .statusCode())
                .isEqualTo(201);
        browser.get(procos.uri("/#/processes").toString());
        wait.until(ExpectedConditions.elementToBeClickable(
                        By.cssSelector("#process-list tr[data-key='wb-edit'] a.open")))
                .click();
        WebElement task = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#modeler g.djs-element[data-element-id='work']")));

        // rename the task as a person does: double-click it and type
        new Actions(browser).doubleClick(task).perform();
        WebElement editor = wait.until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".djs-direct-editing-content")));
        editor.sendKeys(Keys.chord(Keys.CONTROL, "a"));
        editor.sendKeys("Write \"second\" to notes/edit2.txt");
        editor.sendKeys(Keys.ENTER); // Enter ends the edit (Shift+Enter would break the line)
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#modeler g.djs-element[data-element-id='work']"), "second"));
        shot("modeler-renamed");
        browser.findElement(By.id("deploy")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("deployed"), "version 2"));

        // the new version is listed
        browser.get(procos.uri("/#/processes").toString());
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#process-list tr[data-key='wb-edit'] td.version"), "2"));

        // and runs with the new words
        browser.findElement(By.cssSelector("#process-list tr[data-key='wb-edit'] button.start"))
                .click();
        wait.until(ExpectedConditions.textToBe(By.id("instance-state"), "COMPLETED"));
        assertThat(Files.readString(procos.home.resolve("data/workspace/notes/edit2.txt")))
                .isEqualTo("second");
        assertThat(procos.home.resolve("data/workspace/notes/edit.txt")).doesNotExist();
        shot("modeler-version-2-ran");
    }

    @Test
    @Order(3)
    void aRefusedDiagramShowsTheProblemOnItsElementAndNothingIsDeployed() throws Exception {
        Path broken = SHOTS.resolve("broken.bpmn").toAbsolutePath();
        Files.writeString(
                broken,
                process("wb-broken", "Harmless words")
                        .replace(
                                "<bpmn:serviceTask id=\"work\" name=\"Harmless words\" camunda:type=\"external\" "
                                        + "camunda:topic=\"procos.task\"/>",
                                "<bpmn:scriptTask id=\"work\" name=\"Run a script\" scriptFormat=\"javascript\">"
                                        + "<bpmn:script>java.lang.Runtime.getRuntime().exec('id')</bpmn:script>"
                                        + "</bpmn:scriptTask>"));
        assertThat(Files.readString(broken)).contains("scriptTask");
        browser.get(procos.uri("/#/processes").toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("import-file")))
                .sendKeys(broken.toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#modeler g.djs-element[data-element-id='work']")));
        expectedErrors.add("/api/processes?name=broken.bpmn");
        browser.findElement(By.id("deploy")).click();

        WebElement overlay = wait.until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".pw-overlay[data-problem-for='work']")));
        assertThat(overlay.getAttribute("title")).contains("scriptTask").contains("not allowed");
        assertThat(browser.findElement(By.cssSelector("#modeler g.djs-element[data-element-id='work']"))
                        .getAttribute("class"))
                .contains("pw-problem");
        assertThat(browser.findElement(By.id("editor-messages")).getText()).contains("deployment policy");
        shot("modeler-refused");
        assertThat(procos.json(procos.api("/api/processes")).findValuesAsText("key"))
                .doesNotContain("wb-broken");
    }

    @Test
    @Order(4)
    void aToolBundleDroppedIntoToolsAppearsWithoutReloadingThePage() throws Exception {
        Path template = Path.of(System.getProperty("procos.templateTool"));
        assertThat(template)
                .as("the template tool bundle is built before this test")
                .exists();
        browser.get(procos.uri("/#/tools").toString());
        wait.until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tool-list tr[data-tool='file.write']")));
        assertThat(browser.findElements(By.cssSelector("#tool-list tr[data-tool='text.wordcount']")))
                .isEmpty();
        js("window.procosSamePage = true");

        Path staged = procos.home.resolve("tools/text-wordcount.jar.part");
        Files.copy(template, staged);
        Files.move(staged, procos.home.resolve("tools/text-wordcount.jar"), StandardCopyOption.ATOMIC_MOVE);
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#tool-list tr[data-tool='text.wordcount']")));
        assertThat(row.getText()).contains("procos.tools.template");
        assertThat(js("return window.procosSamePage === true"))
                .as("the page was not reloaded")
                .isEqualTo(true);
        shot("tools-dropped");

        Files.delete(procos.home.resolve("tools/text-wordcount.jar"));
        wait.until(ExpectedConditions.numberOfElementsToBe(
                By.cssSelector("#tool-list tr[data-tool='text.wordcount']"), 0));
        assertThat(js("return window.procosSamePage === true")).isEqualTo(true);
    }

    @Test
    @Order(5)
    void memoryIsSearchedByMeaning() throws Exception {
        browser.get(procos.uri("/#/memory").toString());
        WebElement q = wait.until(ExpectedConditions.elementToBeClickable(By.id("memory-q")));
        q.sendKeys("text written to a notes file");
        q.submit();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#memory-hits li")));
        shot("memory-search");
    }

    @Test
    @Order(6)
    void markupInAProcessOrTaskNameIsShownAsTextAndNeverRuns() throws Exception {
        String payload = "<img src=x onerror=window.procosPwned=1>";
        assertThat(procos.post(
                                "/api/processes?name=wb-markup.bpmn",
                                "application/xml",
                                process(
                                        "wb-markup",
                                        payload.replace("<", "&lt;").replace(">", "&gt;")))
                        .statusCode())
                .isEqualTo(201);
        String id = procos.json(procos.post("/api/processes/wb-markup/start", "application/json", "{}"))
                .path("id")
                .asText();
        browser.get(procos.uri("/#/instance/" + id).toString());
        WebElement task = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#instance-diagram g.djs-element[data-element-id='work'] .djs-hit")));
        task.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#task-details h2"), payload));
        assertThat(browser.findElements(By.cssSelector("#task-details img, #instance-diagram img")))
                .isEmpty();
        assertThat(js("return window.procosPwned === undefined")).isEqualTo(true);
        shot("markup-as-text");
    }

    @Test
    @Order(99)
    void thePageReachedNoOtherHostAndItsConsoleHoldsNoError() throws Exception {
        collectLogs();
        assertThat(requests).as("requests the page made").isNotEmpty();
        for (String url : requests) {
            URI u = URI.create(url);
            if (List.of("data", "blob", "about").contains(u.getScheme())) continue;
            assertThat(u.getHost() + ":" + u.getPort()).as("request to " + url).isEqualTo("127.0.0.1:" + procos.port);
        }
        List<String> unexpected = consoleErrors.stream()
                .filter(e -> expectedErrors.stream().noneMatch(e::contains) || !e.contains("400"))
                .toList();
        assertThat(unexpected).as("errors in the browser's console").isEmpty();
    }

    @Test
    @Order(100)
    void operatorsSignInToTheConsoleSeeProcosAndItsComponentsAndAFormEditIsKeptInConfAcrossARestart() throws Exception {
        // a running instance: it waits ten minutes on a timer
        String waiting =
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="w" \
                targetNamespace="http://procos.io/test">
                  <bpmn:process id="wb-waiting" name="Waits" isExecutable="true">
                    <bpmn:startEvent id="start"/>
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="later"/>
                    <bpmn:intermediateCatchEvent id="later">
                      <bpmn:timerEventDefinition><bpmn:timeDuration>PT10M</bpmn:timeDuration></bpmn:timerEventDefinition>
                    </bpmn:intermediateCatchEvent>
                    <bpmn:sequenceFlow id="f2" sourceRef="later" targetRef="end"/>
                    <bpmn:endEvent id="end"/>
                  </bpmn:process>
                </bpmn:definitions>
                """;
        assertThat(procos.post("/api/processes?name=wb-waiting.bpmn", "application/xml", waiting)
                        .statusCode())
                .isEqualTo(201);
        String id = procos.json(procos.post("/api/processes/wb-waiting/start", "application/json", "{}"))
                .path("id")
                .asText();

        // signed in with the generated password, the ProcOS tab lists it
        String console = "http://procos:" + procos.consolePassword() + "@127.0.0.1:" + procos.port + "/system/console";
        browser.get(console + "/procos");
        WebElement running = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("procos-running")));
        assertThat(running.getText()).contains(id).contains("wb-waiting");
        assertThat(browser.findElement(By.id("procos-tools")).getText()).contains("file.write");
        assertThat(browser.findElement(By.id("procos-workbench")).getAttribute("href"))
                .endsWith(procos.port + "/");
        shot("console-procos");

        // the Components tab
        browser.get(console + "/components");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "io.procos.pdo"));
        shot("console-components");

        // a configuration form: its password field is masked; a value changed and saved goes into conf/
        browser.get(console + "/configMgr/io.procos.pdo.engine");
        WebElement safetyNet = wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("safetyNetSeconds")));
        assertThat(safetyNet.getDomProperty("value")).isEqualTo("30");
        assertThat(browser.findElement(By.cssSelector("input[name='jdbcPassword']"))
                        .getAttribute("type"))
                .isEqualTo("password");
        safetyNet.clear();
        safetyNet.sendKeys("25");
        shot("console-form");
        browser.findElement(By.xpath("//button[normalize-space()='Save']")).click();
        Path file = procos.home.resolve("conf/io.procos.pdo.engine.cfg");
        long end = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < end && !Files.readString(file).contains("safetyNetSeconds = 25")) Thread.sleep(100);
        assertThat(Files.readString(file))
                .contains("safetyNetSeconds = 25")
                .as("the file's comments stay")
                .contains("# The engine (procos.pdo)");

        // kept across a restart: in the file, and in the form
        procos.stop();
        procos.start();
        assertThat(Files.readString(file)).contains("safetyNetSeconds = 25");
        browser.get(console + "/configMgr/io.procos.pdo.engine");
        wait.until(d -> "25".equals(d.findElement(By.name("safetyNetSeconds")).getDomProperty("value")));
        assertThat(procos.json(procos.api("/api/instances/" + id)).path("state").asText())
                .isEqualTo("ACTIVE");
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void shot(String name) throws Exception {
        collectLogs();
        Files.write(SHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    /** Drains the browser's logs: every request it sent (from the DevTools network events) and console errors. */
    private void collectLogs() {
        Pattern url =
                Pattern.compile("\"method\":\"Network\\.requestWillBeSent\".*?\"request\":\\{.*?\"url\":\"([^\"]+)\"");
        for (LogEntry e : browser.manage().logs().get(LogType.PERFORMANCE)) {
            Matcher m = url.matcher(e.getMessage());
            if (m.find()) requests.add(m.group(1));
        }
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) consoleErrors.add(e.getMessage());
        }
    }

    private static List<String> serviceTaskIds(String bpmn) {
        List<String> ids = new ArrayList<>();
        Matcher m =
                Pattern.compile("<(?:bpmn:)?serviceTask[^>]*\\bid=\"([^\"]+)\"").matcher(bpmn);
        while (m.find()) ids.add(m.group(1));
        return ids;
    }

    /** A process with one ProcOS task between a start and an end, with its diagram. */
    static String process(String key, String taskName) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
                xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" \
                xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" \
                id="defs" targetNamespace="http://procos.io/test">
                  <bpmn:process id="%1$s" name="%1$s" isExecutable="true">
                    <bpmn:startEvent id="start"/>
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
                    <bpmn:serviceTask id="work" name="%2$s" camunda:type="external" camunda:topic="procos.task"/>
                    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
                    <bpmn:endEvent id="end"/>
                  </bpmn:process>
                  <bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="%1$s">
                    <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36"/></bpmndi:BPMNShape>
                    <bpmndi:BPMNShape id="work_di" bpmnElement="work"><dc:Bounds x="190" y="78" width="120" height="80"/></bpmndi:BPMNShape>
                    <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="370" y="100" width="36" height="36"/></bpmndi:BPMNShape>
                    <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="136" y="118"/><di:waypoint x="190" y="118"/></bpmndi:BPMNEdge>
                    <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="310" y="118"/><di:waypoint x="370" y="118"/></bpmndi:BPMNEdge>
                  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
                </bpmn:definitions>
                """
                .formatted(key, taskName.replace("\"", "&quot;"));
    }
}
