package io.procos.pdo.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.camunda.bpm.engine.variable.Variables;

/**
 * Text in and out of engine variables. The engine keeps at most {@value #MAX_TEXT} characters in a
 * text variable (the column is that wide on H2 and PostgreSQL alike); ProcOS stores longer text as
 * UTF-8 bytes and reads it back as text, so a long report, file or script passes through a process
 * whole instead of failing the transaction that writes it.
 */
final class EngineValues {

    static final int MAX_TEXT = 4000;

    private EngineValues() {}

    /** The value to give the engine: long text as bytes, anything else as it is. */
    static Object toEngine(Object value) {
        if (value instanceof String s && s.length() > MAX_TEXT)
            return Variables.byteArrayValue(s.getBytes(StandardCharsets.UTF_8));
        return value;
    }

    /** The value to show or pass on: bytes that are UTF-8 text as text, other bytes as base64. */
    static Object fromEngine(Object value) {
        if (!(value instanceof byte[] bytes)) return value;
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException binary) {
            return Base64.getEncoder().encodeToString(bytes);
        }
    }

    static String text(Object value) {
        Object v = fromEngine(value);
        return v == null ? null : v.toString();
    }
}
