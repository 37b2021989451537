package io.procos.das.internal;

import io.procos.api.das.Assistant;
import io.procos.api.das.GenerationException;
import java.time.Duration;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code procos:ask "…"} in the Gogo shell: the command runs, its progress is printed, then its result. */
@Component(
        service = AskCommand.class,
        property = {"osgi.command.scope=procos", "osgi.command.function=ask"})
public final class AskCommand {

    @Reference
    private Assistant assistant;

    public String ask(String text) throws InterruptedException {
        try {
            return assistant.ask(text, Map.of(), System.out::println, Duration.ofMinutes(10));
        } catch (GenerationException e) {
            return "Refused: " + e.getMessage();
        }
    }
}
