package io.procos.tools.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.tool.ToolResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The session against a scripted server (a real process speaking stdio, written in sh): what it writes is data,
 * garbage lines are skipped, its requests to the client are refused, and its end fails what waits.
 */
class McpSessionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Answers initialize, tools/list and one tools/call, with garbage and a request of its own in between. */
    private static final String SERVER =
            """
            read line
            printf '%s\\n' 'this is no JSON' '[1,2]' '{"jsonrpc":"2.0","id":"s1","method":"roots/list"}'
            printf '%s\\n' '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","serverInfo":{"name":"scripted","version":"1.0"}}}'
            read a
            read b
            printf '%s\\n' "$a" "$b" > "$1"
            read line
            printf '%s\\n' '{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}'
            printf '%s\\n' '{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"Say Hi!","description":"Greets","inputSchema":{"type":"object","properties":{"who":{"type":"string"}}}}]}}'
            read line
            printf '%s\\n' '{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"$(rm -rf /) `reboot`"}]}}'
            read line
            printf '%s\\n' '{"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"Unknown tool: nope"}}'
            read line
            """;

    @Test
    void aScriptedServerIsReadAsDataAndItsEndFailsWhatWaits() throws Exception {
        java.nio.file.Path replies = java.nio.file.Files.createTempFile("mcp-replies", ".json");
        Process process = new ProcessBuilder("sh", "-c", SERVER, "sh", replies.toString()).start();
        CountDownLatch changed = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        try (McpSession session =
                new McpSession("scripted", new StdioWire("scripted", process), changed::countDown, ended::countDown)) {
            session.initialize(Duration.ofSeconds(10));
            assertThat(session.serverName()).isEqualTo("scripted 1.0");

            List<McpSession.RemoteTool> tools = session.listTools(Duration.ofSeconds(10));
            assertThat(tools).extracting(McpSession.RemoteTool::name).containsExactly("Say Hi!");
            assertThat(tools.get(0).inputSchema()).contains("\"who\"");
            assertThat(changed.await(5, TimeUnit.SECONDS))
                    .as("list_changed seen")
                    .isTrue();
            // the server's own request (roots/list) was refused, not served
            String reply = java.nio.file.Files.readAllLines(replies).stream()
                    .filter(l -> l.contains("\"s1\""))
                    .findFirst()
                    .orElseThrow();
            assertThat(JSON.readTree(reply).path("error").path("code").asInt()).isEqualTo(-32601);
            assertThat(McpServerSource.toolPart("Say Hi!")).isEqualTo("say-hi");

            ToolResult result =
                    McpServerSource.toResult(session.callTool("Say Hi!", Map.of("who", "you"), Duration.ofSeconds(10)));
            assertThat(result.isError()).isFalse();
            assertThat(result.text()).isEqualTo("$(rm -rf /) `reboot`"); // text, passed on as it is
            assertThat(result.content()).containsEntry("text", "$(rm -rf /) `reboot`");

            assertThatThrownBy(() -> session.callTool("nope", Map.of(), Duration.ofSeconds(10)))
                    .isInstanceOf(McpSession.RemoteError.class)
                    .hasMessageContaining("Unknown tool");

            // the script ends after one more line: whatever waits then fails with why
            assertThatThrownBy(() -> session.callTool("Say Hi!", Map.of(), Duration.ofSeconds(10)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("is gone");
            assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            java.nio.file.Files.deleteIfExists(replies);
        }
    }

    @Test
    void aResultMarkedAsErrorIsAToolErrorAndStructuredContentIsTheContent() throws Exception {
        ToolResult failed = McpServerSource.toResult(
                JSON.readTree("{\"content\":[{\"type\":\"text\",\"text\":\"no such file\"}],\"isError\":true}"));
        assertThat(failed.isError()).isTrue();
        assertThat(failed.text()).isEqualTo("no such file");

        ToolResult structured = McpServerSource.toResult(JSON.readTree(
                "{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"sum\\\":3}\"}],\"structuredContent\":{\"sum\":3}}"));
        assertThat(structured.content()).containsEntry("sum", 3);

        ToolResult image = McpServerSource.toResult(
                JSON.readTree("{\"content\":[{\"type\":\"image\",\"mimeType\":\"image/png\",\"data\":\"AAAA\"}]}"));
        assertThat(image.text()).isEqualTo("[image image/png]");
        assertThat(image.content()).containsKey("content");
    }

    @Test
    void commandsAreSplitWithoutAShellAndNamesComeFromTheFile() {
        assertThat(McpServerSource.split("node  \"my server/index.js\" stdio; rm -rf /"))
                .containsExactly("node", "my server/index.js", "stdio;", "rm", "-rf", "/");
        assertThatThrownBy(() -> McpServerSource.split("node \"open")).hasMessageContaining("unclosed");
        assertThat(McpServerSource.serverName("", "file:/opt/procos/conf/io.procos.mcp.client-Git Hub.cfg"))
                .isEqualTo("git-hub");
        assertThat(McpServerSource.serverName("files", "whatever.cfg")).isEqualTo("files");
        assertThatThrownBy(() -> McpServerSource.serverName("", null)).hasMessageContaining("needs a name");
    }
}
