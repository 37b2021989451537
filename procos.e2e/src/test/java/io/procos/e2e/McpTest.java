package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** ProcOS's tools for MCP clients, driven by the official MCP Java SDK's client over Streamable HTTP. */
class McpTest {

    @Test
    void anMcpClientListsAndCallsProcOSsToolsAndHearsWhenAToolIsDroppedIn() throws Exception {
        try (Distribution procos = Distribution.fresh("mcp")) {
            procos.start();
            procos.awaitHealthy();
            String token = procos.token();

            // without the token, /mcp is refused like /api
            HttpResponse<String> anonymous = procos.get("/mcp", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);

            List<List<McpSchema.Tool>> changes = new CopyOnWriteArrayList<>();
            HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(
                            "http://127.0.0.1:" + procos.port)
                    .endpoint("/mcp")
                    .customizeRequest(r -> r.header("Authorization", "Bearer " + token))
                    .build();
            try (McpSyncClient client = McpClient.sync(transport)
                    .requestTimeout(Duration.ofSeconds(60))
                    .toolsChangeConsumer(changes::add)
                    .build()) {
                McpSchema.InitializeResult init = client.initialize();
                assertThat(init.serverInfo().name()).isEqualTo("procos");
                assertThat(init.capabilities().tools().listChanged()).isTrue();

                // the tools a process under the default policy may use, with their schemas
                List<String> names = client.listTools().tools().stream()
                        .map(McpSchema.Tool::name)
                        .toList();
                assertThat(names).contains("file.write", "file.read", "file.list", "memory.search");
                assertThat(procos.json(procos.api("/api/tools")).findValuesAsText("name"))
                        .as("the catalogue has more than the default policy lets through")
                        .contains("docker.run");
                assertThat(names).doesNotContain("docker.run", "matlab.run");
                McpSchema.Tool write = client.listTools().tools().stream()
                        .filter(t -> t.name().equals("file.write"))
                        .findFirst()
                        .orElseThrow();
                assertThat(write.inputSchema().properties()).containsKeys("path", "content");

                // a call runs the tool for real
                McpSchema.CallToolResult written = client.callTool(new McpSchema.CallToolRequest(
                        "file.write", Map.of("path", "mcp/hello.txt", "content", "written over MCP")));
                assertThat(written.isError()).as(written.toString()).isFalse();
                assertThat(Files.readString(procos.home.resolve("data/workspace/mcp/hello.txt")))
                        .isEqualTo("written over MCP");
                McpSchema.CallToolResult outside = client.callTool(
                        new McpSchema.CallToolRequest("file.write", Map.of("path", "../outside.txt", "content", "x")));
                assertThat(outside.isError())
                        .as("the tool's confinement holds over MCP")
                        .isTrue();
                assertThat(Files.exists(procos.home.resolve("data/outside.txt")))
                        .isFalse();
                assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest(
                                "docker.run", Map.of("image", "x", "command", List.of("id")))))
                        .hasMessageContaining("not allowed by the default tool policy");

                // when a tool bundle is dropped into tools/, the client is told and sees it
                Path template = Path.of(System.getProperty("procos.templateTool"));
                Path staged = procos.home.resolve("tools/text-wordcount.jar.part");
                Files.copy(template, staged);
                Files.move(staged, procos.home.resolve("tools/text-wordcount.jar"), StandardCopyOption.ATOMIC_MOVE);
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (changes.stream().noneMatch(l -> l.stream()
                                .anyMatch(t -> t.name().equals("text.wordcount")))
                        && System.nanoTime() < end) Thread.sleep(200);
                assertThat(changes)
                        .as("notifications/tools/list_changed, then the new list")
                        .anySatisfy(l ->
                                assertThat(l).extracting(McpSchema.Tool::name).contains("text.wordcount"));
            }
        }
    }
}
