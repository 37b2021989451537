package io.procos.web.internal;

/**
 * How large a request body may be, for every route in one place: the servlets read with these, the OpenAPI
 * description ({@link OpenApi}) states them, and the README's "HTTP" section says them in words. A body
 * beyond its limit is a JSON 413 naming the limit, and nothing of it is kept.
 */
final class Limits {

    /** A BPMN file ({@code POST /api/processes}, {@code /validate}, and the operator's {@code procos:deploy}). */
    static final int BPMN_BYTES = 10 * 1024 * 1024;

    /** A JSON body that carries variables or a decision ({@code /start}, {@code /api/tde/*}). */
    static final int JSON_BYTES = 1024 * 1024;

    /** Words for the assistant ({@code /api/das/*}): a command is a few sentences, not a document. */
    static final int WORDS_BYTES = 64 * 1024;

    /** A text to remember ({@code POST /api/memory}) or a prompt template ({@code PUT /api/prompts/{name}}). */
    static final int TEXT_BYTES = 256 * 1024;

    /** A tool's input ({@code POST /api/tools/{name}/invoke}) and an MCP message ({@code POST /mcp}). */
    static final int TOOL_INPUT_BYTES = 4 * 1024 * 1024;

    /** Camunda Modeler's deployment form: one BPMN file and its few text fields. */
    static final int DEPLOYMENT_FORM_BYTES = BPMN_BYTES + 64 * 1024;

    private Limits() {}
}
